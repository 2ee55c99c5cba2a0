import type { StoredObject } from '@reelkit/storage';
import type { StoredFile } from './video-model.js';

/**
 * The strong entity tag of a stored file from its size and modification time, in nginx's format
 * (`"<mtime seconds, hex>-<size, hex>"`): output files are written once and renamed into place, so
 * a rewritten file has a new date or size, and a cache filled through Reelkit's own read path stays
 * valid when nginx serves the same file (`DELIVERY_OFFLOAD=x-accel`).
 */
export function etagOf(object: Pick<StoredObject, 'size' | 'mtime'>): string {
  return `"${Math.floor(object.mtime.getTime() / 1000).toString(16)}-${object.size.toString(16)}"`;
}

/**
 * What the file routes need about a file written by the transcoder, from one `stat` (or an open
 * descriptor's `fstat`): size, date and a strong entity tag.
 */
export function storedFileFromStat(object: StoredObject, mimeType = 'video/mp4'): StoredFile {
  return { key: object.key, size: object.size, etag: etagOf(object), lastModified: object.mtime, mimeType };
}
