import { z } from 'zod';

/** `subtitles` translate the dialogue; `captions` also describe sounds, for viewers who cannot hear. */
export const CAPTION_KINDS = ['subtitles', 'captions'] as const;
/** One of {@link CAPTION_KINDS}. */
export type CaptionKind = (typeof CAPTION_KINDS)[number];
/** Where a caption came from: uploaded through the API, or a text subtitle stream of the source. */
export const CAPTION_SOURCES = ['upload', 'source'] as const;
/** Longest caption label. */
export const CAPTION_LABEL_MAX = 100;

/** A BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`), syntax only. */
export const languageTagSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as `en` or `pt-BR`')
  .describe('BCP 47 language tag, e.g. `en`, `pt-BR`.');

/** One caption (subtitle) track of a video. */
export const captionSchema = z
  .strictObject({
    id: z.string(),
    language: languageTagSchema,
    label: z.string().min(1).max(CAPTION_LABEL_MAX).describe('Shown in the player’s caption menu.'),
    kind: z.enum(CAPTION_KINDS),
    default: z
      .boolean()
      .describe('Selected when the viewer has not chosen; at most one caption is the default.'),
    source: z.enum(CAPTION_SOURCES),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Caption', description: 'A WebVTT caption or subtitle track of a video.' });
/** One caption (subtitle) track of a video. */
export interface Caption extends z.output<typeof captionSchema> {}

/** `GET /v1/videos/:id/captions`. */
export const captionListSchema = z
  .strictObject({ items: z.array(captionSchema) })
  .meta({ id: 'CaptionList', description: 'The captions of a video, in the order they were added.' });
/** The captions of a video. */
export interface CaptionList extends z.output<typeof captionListSchema> {}

const booleanText = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .describe('`true` or `false`.');

/** The text fields of `POST /v1/videos/:id/captions` (multipart). */
export const captionUploadFieldsSchema = z.strictObject({
  language: languageTagSchema,
  label: z.string().trim().min(1).max(CAPTION_LABEL_MAX).optional(),
  kind: z.enum(CAPTION_KINDS).default('subtitles'),
  default: booleanText.default(false),
});

/** `PATCH /v1/videos/:id/captions/:captionId`. */
export const captionUpdateSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(CAPTION_LABEL_MAX).optional(),
    default: z.boolean().optional(),
  })
  .meta({
    id: 'CaptionUpdate',
    description: 'Relabel a caption, or make it (or stop it being) the default.',
  });
