import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@reelkit/protocol';
import { isValidObjectId, type Types } from 'mongoose';
import { AppError } from '../http/app-error.js';
import type { AccountModels } from '../models.js';
import { orgJson, type OrgDoc } from '../orgs/org-model.js';
import { userJson, type UserDoc } from '../users/user-model.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import type { WithLock } from '../redis-lock.js';
import type { SessionTokens } from './cookies.js';
import type { SessionRevocations } from './session-revocations.js';
import { TokenError, type TokenService } from './tokens.js';

export interface AuthServiceDeps {
  models: AccountModels;
  tokens: TokenService;
  refreshTtlSeconds: number;
  reuseGraceSeconds: number;
  /** Serialises rotations of one family (see redis-lock.ts). */
  withLock: WithLock;
  /** Where ended sessions are recorded, so their access tokens stop at once. */
  revocations?: SessionRevocations;
  now?: () => number;
}

export interface Session extends SessionTokens {
  user: ReturnType<typeof userJson>;
  org: ReturnType<typeof orgJson>;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;
export const hashInviteToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${randomBytes(3).toString('hex')}`;
}

/** Sign-up, login, refresh rotation with reuse detection, logout, invitations. */
export function createAuthService(deps: AuthServiceDeps) {
  const { models, tokens } = deps;
  const now = deps.now ?? Date.now;

  async function openSession(user: UserDoc, org: OrgDoc, userAgent: string): Promise<Session> {
    const jti = randomUUID();
    const family = await models.RefreshFamily.create({
      orgId: user.orgId,
      userId: user._id,
      currentJti: jti,
      expiresAt: new Date(now() + deps.refreshTtlSeconds * 1000),
      userAgent: userAgent.slice(0, 300),
    });
    return issue(user, org, String(family._id), jti);
  }

  function issue(user: UserDoc, org: OrgDoc, familyId: string, jti: string): Session {
    const claims = {
      sub: String(user._id),
      orgId: String(user.orgId),
      role: user.role as Role,
      ver: user.tokenVersion,
    };
    const access = tokens.signAccess({ ...claims, sid: familyId });
    const refresh = tokens.signRefresh({ ...claims, fam: familyId, jti });
    return {
      user: userJson(user),
      org: orgJson(org),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
    };
  }

  async function loadOrg(orgId: Types.ObjectId): Promise<OrgDoc> {
    const org = await models.Org.findById(orgId).lean();
    if (!org) throw new AppError('token_invalid', 'The organisation no longer exists');
    return org as OrgDoc;
  }

  async function revokeFamily(id: Types.ObjectId | string, reason: 'logout' | 'reuse' | 'user_changed') {
    await models.RefreshFamily.updateOne(
      { _id: id, revokedAt: { $exists: false } },
      { $set: { revokedAt: new Date(now()), revokedReason: reason } },
    );
    await deps.revocations?.revoke(String(id));
  }

  return {
    async signup(
      input: { orgName: string; name: string; email: string; password: string },
      userAgent: string,
    ) {
      const email = input.email.toLowerCase();
      if (await models.User.exists({ email }))
        throw new AppError('email_taken', 'An account with this email already exists');
      const passwordHash = await hashPassword(input.password);
      const org = await models.Org.create({ name: input.orgName, slug: slugify(input.orgName) });
      try {
        const user = await models.User.create({
          orgId: org._id,
          email,
          name: input.name,
          passwordHash,
          role: 'admin',
        });
        return await openSession(user.toObject() as UserDoc, org.toObject() as OrgDoc, userAgent);
      } catch (err) {
        // No transactions on every supported database: undo the organisation by hand.
        await models.Org.deleteOne({ _id: org._id });
        if (isDuplicateKey(err))
          throw new AppError('email_taken', 'An account with this email already exists');
        throw err;
      }
    },

    async login(input: { email: string; password: string }, userAgent: string) {
      const user = await models.User.findOne({ email: input.email.toLowerCase() })
        .select('+passwordHash')
        .lean();
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok || !user.passwordHash) throw new AppError('invalid_credentials');
      if (!user.active) throw new AppError('account_disabled', 'This account has been deactivated');
      const lastLoginAt = new Date(now());
      await models.User.updateOne({ _id: user._id }, { $set: { lastLoginAt } });
      // The answer shows this login, not the one before it.
      return openSession({ ...user, lastLoginAt } as UserDoc, await loadOrg(user.orgId), userAgent);
    },

    /**
     * Rotates a refresh token. The presented jti must be the family's current one; the one just
     * rotated away is accepted for `reuseGraceSeconds` (two tabs refreshing at once) and answered
     * with the current jti; anything older revokes the whole family.
     */
    async refresh(refreshToken: string): Promise<Session> {
      let claims;
      try {
        claims = tokens.verifyRefresh(refreshToken);
      } catch (err) {
        if (err instanceof TokenError)
          throw new AppError(err.code === 'token_expired' ? 'token_expired' : 'token_invalid', err.message);
        throw err;
      }
      if (!isValidObjectId(claims.fam) || !isValidObjectId(claims.sub)) throw new AppError('token_invalid');
      return deps.withLock(`refresh:${claims.fam}`, async () => {
        const family = await models.RefreshFamily.findById(claims.fam).lean();
        if (!family || String(family.userId) !== claims.sub) throw new AppError('token_invalid');
        if (family.revokedAt) {
          throw new AppError(
            family.revokedReason === 'reuse' ? 'refresh_token_reused' : 'token_invalid',
            'This session has ended; log in again',
          );
        }
        const user = await models.User.findById(claims.sub).lean();
        if (!user || !user.active || user.tokenVersion !== claims.ver) {
          await revokeFamily(family._id, 'user_changed');
          throw new AppError(
            user && !user.active ? 'account_disabled' : 'token_invalid',
            'This session has ended; log in again',
          );
        }
        const org = await loadOrg(user.orgId);
        if (claims.jti === family.currentJti) {
          const next = randomUUID();
          const rotated = await models.RefreshFamily.findOneAndUpdate(
            { _id: family._id, currentJti: claims.jti, revokedAt: { $exists: false } },
            { $set: { currentJti: next, previousJti: claims.jti, rotatedAt: new Date(now()) } },
            { returnDocument: 'after' },
          ).lean();
          if (rotated) return issue(user as UserDoc, org, String(family._id), next);
          throw new AppError('token_invalid', 'This session changed while refreshing; try again');
        }
        const withinGrace =
          claims.jti === family.previousJti &&
          family.rotatedAt !== undefined &&
          family.rotatedAt !== null &&
          now() - family.rotatedAt.getTime() <= deps.reuseGraceSeconds * 1000;
        if (withinGrace) return issue(user as UserDoc, org, String(family._id), family.currentJti);
        await revokeFamily(family._id, 'reuse');
        throw new AppError(
          'refresh_token_reused',
          'This refresh token was already used; the session has been ended for safety',
        );
      });
    },

    /** Revokes the family of a refresh token; a token that does not verify is simply ignored. */
    async logout(refreshToken: string | undefined): Promise<void> {
      if (!refreshToken) return;
      try {
        const claims = tokens.verifyRefresh(refreshToken);
        if (isValidObjectId(claims.fam)) await revokeFamily(claims.fam, 'logout');
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
      }
    },

    async acceptInvite(
      input: { token: string; password: string; name?: string | undefined },
      userAgent: string,
    ) {
      const inviteTokenHash = hashInviteToken(input.token);
      const invited = await models.User.findOne({
        inviteTokenHash,
        inviteExpiresAt: { $gt: new Date(now()) },
      })
        .select('_id')
        .lean();
      if (!invited) throw new AppError('invite_invalid', 'This invitation link is invalid, used or expired');
      const passwordHash = await hashPassword(input.password);
      // Conditional on the hash still being there, so the link works exactly once even when two
      // requests race. (updateOne, not findOneAndUpdate: FerretDB 1.24 cannot project in findAndModify.)
      const res = await models.User.updateOne(
        { _id: invited._id, inviteTokenHash },
        {
          $set: { passwordHash, active: true, ...(input.name ? { name: input.name } : {}) },
          $unset: { inviteTokenHash: 1, inviteExpiresAt: 1 },
        },
      );
      if (res.modifiedCount !== 1)
        throw new AppError('invite_invalid', 'This invitation link is invalid, used or expired');
      const user = await models.User.findById(invited._id).lean();
      if (!user) throw new AppError('invite_invalid');
      return openSession(user as UserDoc, await loadOrg(user.orgId), userAgent);
    },

    revokeFamiliesOf: async (userId: Types.ObjectId | string, reason: 'user_changed') => {
      const open = await models.RefreshFamily.find({ userId, revokedAt: { $exists: false } })
        .select('_id')
        .lean();
      await models.RefreshFamily.updateMany(
        { userId, revokedAt: { $exists: false } },
        { $set: { revokedAt: new Date(now()), revokedReason: reason } },
      );
      for (const family of open) await deps.revocations?.revoke(String(family._id));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
