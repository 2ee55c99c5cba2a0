import type { StoredCaption } from './video-model.js';

/**
 * Pure edits of a video's caption list. At most one caption is the default: making one the
 * default clears the others. The caller runs read → edit → write under the video's caption lock.
 */
export function addCaptions(
  list: readonly StoredCaption[],
  added: readonly StoredCaption[],
): StoredCaption[] {
  let out = [...list];
  for (const caption of added) {
    if (caption.default) out = out.map((c) => ({ ...c, default: false }));
    out.push(caption);
  }
  return out;
}

/** The list with one caption relabelled or made (not) the default; null when there is no such caption. */
export function editCaption(
  list: readonly StoredCaption[],
  id: string,
  patch: { label?: string | undefined; default?: boolean | undefined },
): StoredCaption[] | null {
  if (!list.some((c) => c._id.toString() === id)) return null;
  return list.map((c) => {
    if (c._id.toString() !== id) return patch.default ? { ...c, default: false } : c;
    return {
      ...c,
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.default !== undefined ? { default: patch.default } : {}),
    };
  });
}
