import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { z } from 'zod';

export const PLANS = ['free', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** `scheme://host[:port]`, no path: what a browser sends in `Origin`. */
export const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

const SLUG_PATTERN = /^[a-z0-9-]{1,60}$/;

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

/** An organisation as the API shows it. */
export const orgJsonSchema = z.strictObject({
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
});
export type OrgJson = z.output<typeof orgJsonSchema>;

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
