import { z } from 'zod';
import type { Plan } from './job-priority.js';
import { ROLES } from './roles.js';

/** Response shapes of the account routes: users, organisations, sessions, API keys. */

/** Organisation plans, highest service first (see `transcodePriority`). */
export const PLANS = ['free', 'pro', 'enterprise'] as const satisfies readonly Plan[];

/** `scheme://host[:port]`, no path: what a browser sends in `Origin`. */
export const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
/** An organisation's slug. */
export const SLUG_PATTERN = /^[a-z0-9-]{1,60}$/;
/** The public part of an API key, shown in lists: `rk_<prefix>_…`. */
export const API_KEY_PREFIX_PATTERN = /^[A-Za-z0-9]{12}$/;
/** A whole API key: `rk_<prefix>_<secret>`. */
export const API_KEY_FORMAT = /^rk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A member's state: invited until accepted, active, or deactivated by an admin. */
export const USER_STATUSES = ['invited', 'active', 'deactivated'] as const;
/** One of {@link USER_STATUSES}. */
export type UserStatus = (typeof USER_STATUSES)[number];

/** A user as any route shows it: never the password hash or invitation secrets. */
export const userSchema = z
  .strictObject({
    id: z.string(),
    orgId: z.string().describe('The organisation the user belongs to (one per email address).'),
    email: z.string().describe('Lowercased; unique across all organisations.'),
    name: z.string().describe('Empty for an invited member who has not given a name yet.'),
    role: z.enum(ROLES),
    active: z
      .boolean()
      .describe('false for a deactivated member and for a pending invitation; only active users can log in.'),
    status: z
      .enum(USER_STATUSES)
      .describe(
        '`invited` until the invitation is accepted, then `active`, or `deactivated` once an admin sets `active: false`.',
      ),
    lastLoginAt: z.iso
      .datetime()
      .nullable()
      .describe('The last password login (a login answer shows that very login); null if never.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'User', description: 'A member of an organisation.' });
/** A member of an organisation. */
export interface User extends z.output<typeof userSchema> {}

/** `GET /v1/users`. */
export const userListSchema = z
  .strictObject({
    items: z.array(userSchema).describe('Oldest first.'),
    nextCursor: z
      .string()
      .regex(/^[0-9a-f]{24}$/)
      .nullable()
      .describe('Pass as `?cursor` to get the next page; null on the last page.'),
  })
  .meta({ id: 'UserList', description: 'One page of members, oldest first.' });
/** One page of members. */
export interface UserList extends z.output<typeof userListSchema> {}

/** `POST /v1/users`: the only answer that carries the invitation token. */
export const invitationSchema = z
  .strictObject({
    user: userSchema,
    inviteUrl: z
      .url()
      .describe(
        'The dashboard link to give the invitee (no email is sent); the token is in its fragment. Works once.',
      ),
    inviteToken: z
      .string()
      .describe(
        'The one-time token of `inviteUrl`, for `POST /v1/auth/accept-invite`. Shown in this answer only.',
      ),
    inviteExpiresAt: z.iso.datetime().describe('After this the invitation no longer works.'),
  })
  .meta({ id: 'Invitation', description: 'A new member’s invitation.' });
/** A new member's invitation. */
export interface Invitation extends z.output<typeof invitationSchema> {}

/** An organisation as the API shows it. */
export const orgSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    slug: z
      .string()
      .regex(SLUG_PATTERN)
      .describe('Derived from the name at sign-up; unique and never changes.'),
    plan: z.enum(PLANS),
    embedOrigins: z
      .array(z.string().regex(ORIGIN_PATTERN))
      .describe(
        'Exact origins (such as `https://blog.example.com`) allowed to embed the organisation’s videos and start anonymous playback of its public ones; an empty list allows every site.',
      ),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Org', description: 'An organisation.' });
/** An organisation. */
export interface Org extends z.output<typeof orgSchema> {}

/** The answer of sign-up, login, refresh and accept-invite (the same tokens are also set as cookies). */
export const sessionSchema = z
  .strictObject({
    user: userSchema,
    org: orgSchema,
    tokenType: z.literal('Bearer'),
    accessToken: z.string().describe('A short-lived JWT: send it as `Authorization: Bearer …`.'),
    accessTokenExpiresAt: z.iso.datetime(),
    refreshToken: z
      .string()
      .describe(
        'Send it to `POST /v1/auth/refresh` for a new session (each answers a new refresh token; replaying a used one ends the session) or to `POST /v1/auth/logout`.',
      ),
    refreshTokenExpiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Session', description: 'A signed-in session: who, and its tokens.' });
/** A signed-in session. */
export interface Session extends z.output<typeof sessionSchema> {}

const meFields = {
  user: userSchema.describe('The member, or for an API key the member who created it.'),
  org: orgSchema,
  role: z.enum(ROLES).describe('What this request may do (for an API key: capped by its creator’s role).'),
};
/** `GET /v1/me`: who is calling, and how. */
export const meSchema = z
  .discriminatedUnion('via', [
    z.strictObject({
      ...meFields,
      via: z.enum(['bearer', 'cookie']).describe('How the request authenticated: an access token.'),
    }),
    z.strictObject({
      ...meFields,
      via: z.literal('api_key'),
      apiKeyId: z.string().describe('The API key that authenticated the request.'),
    }),
  ])
  .meta({ id: 'Me', description: 'Who is calling, and how.' });
/** Who is calling, and how. */
export type Me = z.output<typeof meSchema>;

/** An API key as the API shows it: never its secret or the secret's hash. */
export const apiKeySchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .regex(API_KEY_PREFIX_PATTERN)
      .describe('The public part of the key (`rk_<prefix>_…`), to tell keys apart.'),
    role: z
      .enum(ROLES)
      .describe('The most the key may do; never more than its creator’s role at the time of each request.'),
    createdBy: z.string().describe('The id of the member who created the key.'),
    lastUsedAt: z.iso
      .datetime()
      .nullable()
      .describe('When the key last authenticated a request (to within a minute); null if never.'),
    revokedAt: z.iso
      .datetime()
      .nullable()
      .describe('When the key was revoked (or its creator removed); null while it works.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ApiKey', description: 'An API key, without its secret.' });
/** An API key, without its secret. */
export interface ApiKey extends z.output<typeof apiKeySchema> {}

/** `POST /v1/api-keys`: the only answer that carries the key itself. */
export const createdApiKeySchema = z
  .strictObject({
    apiKey: apiKeySchema,
    key: z
      .string()
      .regex(API_KEY_FORMAT)
      .describe(
        'The key to send as `Authorization: Bearer rk_…`. Shown in this answer only: the server keeps just a hash of its secret part.',
      ),
  })
  .meta({ id: 'CreatedApiKey', description: 'A new API key, with its secret (shown once).' });
/** A new API key, with its secret. */
export interface CreatedApiKey extends z.output<typeof createdApiKeySchema> {}

/** `GET /v1/api-keys`: no secret, no hash. */
export const apiKeyListSchema = z
  .strictObject({
    items: z.array(apiKeySchema).max(500).describe('Newest first, revoked keys included; at most 500.'),
  })
  .meta({ id: 'ApiKeyList', description: 'The organisation’s API keys.' });
/** The organisation's API keys. */
export interface ApiKeyList extends z.output<typeof apiKeyListSchema> {}
