import { z } from 'zod';
import { DESCRIPTION_MAX, TITLE_MAX, VIDEO_STATUSES, VISIBILITIES } from './video-model.js';

const title = z.string().trim().min(1).max(TITLE_MAX);
const description = z.string().max(DESCRIPTION_MAX);
const visibility = z.enum(VISIBILITIES);

/** `PATCH /v1/videos/:id`: only these fields; anything else (orgId, status, …) is a 400. */
export const updateVideoBody = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    visibility: visibility.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' });
export type UpdateVideoBody = z.infer<typeof updateVideoBody>;

/** Text fields of an upload (multipart fields or tus `Upload-Metadata`). */
export const uploadFields = z.strictObject({
  title: title.optional(),
  description: description.optional(),
  visibility: visibility.optional(),
});
export type UploadFields = z.infer<typeof uploadFields>;

export const MAX_PAGE = 100;

/** `GET /v1/videos` query string. */
export const listVideosQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
  cursor: z.string().max(64).optional(),
  status: z.enum(VIDEO_STATUSES).optional(),
  visibility: visibility.optional(),
  q: z.string().trim().min(1).max(TITLE_MAX).optional(),
});
export type ListVideosQuery = z.infer<typeof listVideosQuery>;

/**
 * `GET /v1/videos/:id/file` query string: a `<video src>` cannot send headers, so a playback
 * token may come here. Other parameters (cache busters) are ignored.
 */
export const fileQuery = z.object({
  token: z.string().min(1).max(4096).optional().describe('A playback token for this video.'),
});

/**
 * The last segment of a client-given file name, without control characters, at most 255 chars,
 * or undefined. Kept for display and scoring only: storage keys never come from it.
 */
export function cleanFileName(name: string | undefined | null): string | undefined {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return base.length > 0 ? base : undefined;
}

/** A title from an uploaded file's name: no folders, no extension, ≤ 200 chars. */
export function titleFromFileName(name: string | undefined | null): string {
  const base = (cleanFileName(name) ?? '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .trim()
    .slice(0, TITLE_MAX)
    .trim();
  return base.length > 0 ? base : 'Untitled video';
}
