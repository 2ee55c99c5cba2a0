import { API_KEY_PREFIX_PATTERN, ROLES, type ApiKey as ApiKeyJson } from '@reelkit/protocol';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const PREFIX_PATTERN = API_KEY_PREFIX_PATTERN;

const apiKeySchema = new Schema(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, trim: true, minlength: 1, maxlength: 100 },
    prefix: { type: String, required: true, match: PREFIX_PATTERN },
    secretHash: { type: String, required: true, select: false },
    /** The most this key may do; never more than its creator's role at the time of each request. */
    role: { type: String, enum: ROLES, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true },
);
apiKeySchema.index({ prefix: 1 }, { unique: true });
apiKeySchema.index({ orgId: 1, _id: -1 });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema> & { _id: Types.ObjectId };
export type ApiKeyModel = Model<InferSchemaType<typeof apiKeySchema>>;

export function createApiKeyModel(db: Connection): ApiKeyModel {
  return db.models.ApiKey ?? db.model('ApiKey', apiKeySchema);
}

export type { ApiKeyJson };

export function apiKeyJson(key: ApiKeyDoc): ApiKeyJson {
  return {
    id: String(key._id),
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdBy: String(key.createdBy),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}
