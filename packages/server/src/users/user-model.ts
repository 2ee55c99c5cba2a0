import { ROLES, type User as UserJson } from '@reelkit/protocol';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

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

export type { UserJson };

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
