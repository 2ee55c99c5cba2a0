import { ROLES } from '@reelkit/protocol';
import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { z } from 'zod';

/** The public part of a key, shown in lists: `rk_<prefix>_…`. */
const PREFIX_PATTERN = /^[A-Za-z0-9]{12}$/;

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

/** An API key as the API shows it: never its secret or the secret's hash. */
export const apiKeyJsonSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z
    .string()
    .regex(PREFIX_PATTERN)
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
});
export type ApiKeyJson = z.output<typeof apiKeyJsonSchema>;

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
