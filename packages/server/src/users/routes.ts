import { randomBytes } from 'node:crypto';
import {
  ROLES,
  invitationSchema,
  userListSchema,
  userSchema,
  type Invitation,
  type Role,
  type UserList,
} from '@reelkit/protocol';
import { z } from 'zod';
import { emailField, nameField } from '../auth/routes.js';
import { hashInviteToken, type AuthService } from '../auth/auth-service.js';
import { AppError } from '../http/app-error.js';
import { principalOf } from '../http/authenticate.js';
import { defineRoute, type RouteDef } from '../http/define-route.js';
import { objectIdOr404 } from '../http/object-id.js';
import type { AccountModels } from '../models.js';
import { userJson, type UserDoc } from './user-model.js';

const createUserBody = z.strictObject({ email: emailField, name: nameField.optional(), role: z.enum(ROLES) });
const patchUserBody = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
    name: nameField.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of role, active, name' });
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'must be a cursor from a previous page')
    .optional(),
});

export interface UserRouteDeps {
  models: AccountModels;
  auth: AuthService;
  dashboardUrl: string;
  inviteTtlSeconds: number;
  /** Ends the member's open realtime sockets on every server instance (events/publisher.ts). */
  disconnectUser?: (target: { orgId: string; userId: string }) => void;
}

export function userRoutes(deps: UserRouteDeps): RouteDef[] {
  const { models } = deps;

  /** Refuses a change that would leave the organisation without an active admin. */
  async function keepAnAdmin(
    orgId: string,
    target: UserDoc,
    next: { role?: Role | undefined; active?: boolean | undefined; deleting?: boolean },
  ) {
    const stillAdmin =
      !next.deleting && (next.role ?? target.role) === 'admin' && (next.active ?? target.active);
    if (target.role !== 'admin' || !target.active || stillAdmin) return;
    const others = await models.User.countDocuments({
      orgId,
      role: 'admin',
      active: true,
      _id: { $ne: target._id },
    });
    if (others === 0) throw new AppError('last_admin', 'Make another member an active admin first');
  }

  async function loadUser(orgId: string, id: string | undefined): Promise<UserDoc> {
    const user = await models.User.findOne({ _id: objectIdOr404(id, 'user_not_found'), orgId }).lean();
    if (!user) throw new AppError('user_not_found');
    return user as UserDoc;
  }

  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/users',
        auth: 'admin',
        status: 200,
        response: userListSchema,
        tag: 'users',
        summary: 'List the organisation’s members',
        query: listQuery,
      },
      async (ctx, { query }) => {
        const { orgId } = principalOf(ctx);
        const filter = { orgId, ...(query.cursor ? { _id: { $gt: query.cursor } } : {}) };
        const users = (await models.User.find(filter)
          .sort({ _id: 1 })
          .limit(query.limit + 1)
          .lean()) as UserDoc[];
        const page = users.slice(0, query.limit);
        ctx.body = {
          items: page.map(userJson),
          nextCursor: users.length > query.limit ? String(page.at(-1)!._id) : null,
        } satisfies UserList;
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/users',
        answers: {
          409: 'The email address is registered already (`email_taken`).',
        },
        auth: 'admin',
        status: 201,
        response: invitationSchema,
        tag: 'users',
        summary: 'Invite a member with a role; answers a one-time invitation link',
        body: createUserBody,
      },
      async (ctx, { body }) => {
        const p = principalOf(ctx);
        const token = randomBytes(32).toString('base64url');
        const inviteExpiresAt = new Date(Date.now() + deps.inviteTtlSeconds * 1000);
        let user;
        try {
          user = await models.User.create({
            orgId: p.orgId,
            email: body.email.toLowerCase(),
            name: body.name ?? '',
            role: body.role,
            active: false,
            inviteTokenHash: hashInviteToken(token),
            inviteExpiresAt,
            invitedBy: p.userId,
          });
        } catch (err) {
          if ((err as { code?: number }).code === 11000)
            throw new AppError('email_taken', 'An account with this email already exists');
          throw err;
        }
        const link = new URL('/accept-invite', deps.dashboardUrl);
        // In the fragment, so the token never reaches a server log or a Referer header.
        link.hash = `token=${token}`;
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          user: userJson(user.toObject() as UserDoc),
          inviteUrl: link.toString(),
          inviteToken: token,
          inviteExpiresAt: inviteExpiresAt.toISOString(),
        } satisfies Invitation;
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/users/:id',
        answers: {
          409: 'The change would leave no active admin (`last_admin`), or the member has not accepted the invitation (`invitation_pending`).',
        },
        auth: 'admin',
        status: 200,
        response: userSchema,
        tag: 'users',
        summary: 'Change a member’s role, active flag or name (applies on their next request)',
        body: patchUserBody,
      },
      async (ctx, { body }) => {
        const { orgId } = principalOf(ctx);
        const target = await loadUser(orgId, ctx.params.id);
        // A pending invitation has no password: marking it active would show an active member
        // who cannot log in. It becomes active when the invitation is accepted.
        if (body.active === true && target.inviteExpiresAt)
          throw new AppError(
            'invitation_pending',
            'This member becomes active by accepting the invitation; invite them again if it expired',
          );
        await keepAnAdmin(orgId, target, body);
        const deactivating = body.active === false && target.active;
        const update: Record<string, unknown> = { $set: { ...body } };
        // Deactivation also ends every session and token the user holds.
        if (deactivating) update.$inc = { tokenVersion: 1 };
        // updateOne + read, not findOneAndUpdate: FerretDB 1.24 cannot project in findAndModify.
        const res = await models.User.updateOne({ _id: target._id, orgId }, update, { runValidators: true });
        const updated = res.matchedCount === 1 ? await models.User.findById(target._id).lean() : null;
        if (!updated) throw new AppError('user_not_found');
        if (deactivating) await deps.auth.revokeFamiliesOf(target._id, 'user_changed');
        // A deactivated member, or one whose role changed, must not keep receiving the org's
        // events on a socket authorised before: it reconnects (or not) through a fresh handshake.
        if (deactivating || (body.role !== undefined && body.role !== target.role))
          deps.disconnectUser?.({ orgId, userId: String(target._id) });
        ctx.body = userJson(updated as UserDoc);
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/users/:id',
        answers: {
          409: 'Removing the member would leave no active admin (`last_admin`).',
        },
        auth: 'admin',
        status: 204,
        tag: 'users',
        summary: 'Remove a member; their sessions and API keys stop working at once',
      },
      async (ctx) => {
        const { orgId } = principalOf(ctx);
        const target = await loadUser(orgId, ctx.params.id);
        await keepAnAdmin(orgId, target, { deleting: true });
        await models.User.deleteOne({ _id: target._id, orgId });
        await deps.auth.revokeFamiliesOf(target._id, 'user_changed');
        await models.ApiKey.updateMany(
          { orgId, createdBy: target._id, revokedAt: { $exists: false } },
          { $set: { revokedAt: new Date() } },
        );
        deps.disconnectUser?.({ orgId, userId: String(target._id) });
        ctx.status = 204;
      },
    ),
  ];
}
