import { ROLES } from '@reelkit/protocol';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { z } from 'zod';

const userSchema = new Schema(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    name: { type: String, trim: true, maxlength: 100, default: '' },
    /** scrypt hash (see auth/password.ts); absent until an invited user sets a password. */
    passwordHash: { type: String, select: false },
    role: { type: String, enum: ROLES, required: true },
    /** Bumped to invalidate every token issued before. */
    tokenVersion: { type: Number, required: true, min: 0, default: 0 },
    active: { type: Boolean, required: true, default: true },
    /** SHA-256 of the one-time invitation token, cleared when accepted. */
    inviteTokenHash: { type: String, select: false },
    inviteExpiresAt: { type: Date },
    invitedBy: { type: Schema.Types.ObjectId },
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);
// Login finds a user by email alone, so an email belongs to one organisation.
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ orgId: 1, _id: 1 });
userSchema.index({ orgId: 1, role: 1 });
userSchema.index({ inviteTokenHash: 1 }, { sparse: true });

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDoc = UserFields & { _id: Types.ObjectId };
export type UserModel = Model<UserFields>;

export function createUserModel(db: Connection): UserModel {
  return db.models.User ?? db.model('User', userSchema);
}

export const USER_STATUSES = ['invited', 'active', 'deactivated'] as const;

/** A user as any route shows it: never the password hash or invitation secrets. */
export const userJsonSchema = z.strictObject({
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
});
export type UserJson = z.output<typeof userJsonSchema>;

/** What any route may show of a user: never the password hash or invitation secrets. */
export function userJson(user: UserDoc): UserJson {
  return {
    id: String(user._id),
    orgId: String(user.orgId),
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    status: user.inviteExpiresAt ? 'invited' : user.active ? 'active' : 'deactivated',
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
