import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * One family per login. Each refresh rotates `currentJti`; presenting an older jti (other than the
 * just-rotated one within the grace window) means the token was stolen or replayed, and the whole
 * family is revoked.
 */
const familySchema = new Schema(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    currentJti: { type: String, required: true },
    previousJti: { type: String },
    rotatedAt: { type: Date },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    revokedReason: { type: String, enum: ['logout', 'reuse', 'user_changed', 'user_deleted'] },
    userAgent: { type: String, maxlength: 300 },
  },
  { timestamps: true },
);
familySchema.index({ orgId: 1, userId: 1 });

export type RefreshFamilyDoc = InferSchemaType<typeof familySchema> & { _id: Types.ObjectId };
export type RefreshFamilyModel = Model<InferSchemaType<typeof familySchema>>;

export function createRefreshFamilyModel(db: Connection): RefreshFamilyModel {
  return db.models.RefreshFamily ?? db.model('RefreshFamily', familySchema);
}
