import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { ORIGIN_PATTERN, PLANS, SLUG_PATTERN, type Org as OrgJson } from '@reelkit/protocol';

export { ORIGIN_PATTERN, PLANS };
export type { Plan } from '@reelkit/protocol';

const orgSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, minlength: 1, maxlength: 100 },
    slug: { type: String, required: true, lowercase: true, match: SLUG_PATTERN },
    plan: { type: String, enum: PLANS, default: 'free', required: true },
    /** Sites allowed to embed this org's videos (exact origins). */
    embedOrigins: {
      type: [{ type: String, match: ORIGIN_PATTERN, maxlength: 300 }],
      default: [],
      validate: { validator: (v: string[]) => v.length <= 50, message: 'at most 50 embed origins' },
    },
  },
  { timestamps: true },
);
orgSchema.index({ slug: 1 }, { unique: true });

export type OrgDoc = InferSchemaType<typeof orgSchema> & { _id: Types.ObjectId };
export type OrgModel = Model<InferSchemaType<typeof orgSchema>>;

export function createOrgModel(db: Connection): OrgModel {
  return db.models.Organization ?? db.model('Organization', orgSchema);
}

export type { OrgJson };

export function orgJson(org: OrgDoc): OrgJson {
  return {
    id: String(org._id),
    name: org.name,
    slug: org.slug,
    plan: org.plan,
    embedOrigins: [...org.embedOrigins],
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
  };
}
