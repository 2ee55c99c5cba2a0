import { createHash } from 'node:crypto';
import type { StoredObject } from '@reelkit/storage';
import type { StoredFile } from './video-model.js';

/**
 * What the file route needs about a file written by the transcoder (the progressive MP4), from one
 * `storage.stat` when its result is applied: size, date and a strong entity tag derived from key,
 * size and mtime, so a rewritten file gets a new tag.
 */
export function storedFileFromStat(object: StoredObject, mimeType = 'video/mp4'): StoredFile {
  const tag = createHash('sha256')
    .update(`${object.key}\n${object.size}\n${object.mtime.getTime()}`)
    .digest('base64url')
    .slice(0, 27);
  return { key: object.key, size: object.size, etag: `"${tag}"`, lastModified: object.mtime, mimeType };
}
