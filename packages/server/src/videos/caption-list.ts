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

/**
 * The list after a transcode reported the source's captions (`fromSource`): uploaded captions
 * stay as they are; the previous source captions are replaced, in place, by the new ones with the
 * same id (which keep the label, default and date an editor left them with), those the source no
 * longer has are dropped, and new ones are appended. At most one default stays, the first in the
 * list. `stale` are the dropped captions, whose files the caller deletes.
 */
export function replaceSourceCaptions(
  list: readonly StoredCaption[],
  fromSource: readonly StoredCaption[],
): { list: StoredCaption[]; stale: StoredCaption[] } {
  const fresh = new Map(fromSource.map((c) => [c._id.toString(), c]));
  const stale: StoredCaption[] = [];
  const merged: StoredCaption[] = [];
  for (const c of list) {
    if (c.source !== 'source') merged.push(c);
    else {
      const next = fresh.get(c._id.toString());
      if (!next) stale.push(c);
      else {
        merged.push({ ...next, label: c.label, default: c.default, createdAt: c.createdAt });
        fresh.delete(c._id.toString());
      }
    }
  }
  merged.push(...fresh.values());
  let defaultSeen = false;
  const out = merged.map((c) => {
    const isDefault = c.default && !defaultSeen;
    defaultSeen ||= c.default;
    return isDefault === c.default ? c : { ...c, default: isDefault };
  });
  return { list: out, stale };
}
