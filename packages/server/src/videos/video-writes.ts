import { Types, type Connection, type Schema } from 'mongoose';

/**
 * One write of a video through the model: `orgId` is known for creations and deletions (a
 * deletion reads it first), and may be missing for an update (the listener reads the document).
 */
export interface VideoWrite {
  id: Types.ObjectId;
  orgId?: Types.ObjectId | undefined;
  deleted: boolean;
}

/** Must not throw: it runs inside the write, whose caller would see its error. */
export type VideoWriteListener = (write: VideoWrite) => Promise<void>;

const listeners = new WeakMap<Connection, Map<string, VideoWriteListener>>();

/**
 * Calls `listener` after every write of a video made through the model on `db` — creations,
 * `updateOne`, `findOneAndUpdate` and `deleteOne` by `_id`, which are every write Reelkit makes —
 * before the write's promise resolves. One listener per `key` and connection (the catalogue index
 * registers under its Redis prefix, so two services on one connection do not follow twice).
 * Writes outside the model (`insertMany`, `Video.collection.*`) are not seen: a rebuild or the
 * periodic reconciliation picks them up. Returns the unregistration.
 */
export function onVideoWrite(db: Connection, key: string, listener: VideoWriteListener): () => void {
  let map = listeners.get(db);
  if (!map) listeners.set(db, (map = new Map()));
  map.set(key, listener);
  return () => {
    if (map.get(key) === listener) map.delete(key);
  };
}

async function notify(db: Connection, write: VideoWrite): Promise<void> {
  const map = listeners.get(db);
  if (map) await Promise.all([...map.values()].map((listener) => listener(write)));
}

const idOf = (filter: Record<string, unknown>): Types.ObjectId | null => {
  const id = filter._id;
  if (id instanceof Types.ObjectId) return id;
  return typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
};

/** What `deleteOne`'s pre hook read, for its post hook. */
const deleting = new WeakMap<object, Types.ObjectId>();

interface OrgOnly {
  orgId?: Types.ObjectId;
}

/** Installs the hooks that call the listeners of `onVideoWrite` (once, on the video schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema whose documents have an orgId
export function followVideoWrites(schema: Schema<any>): void {
  schema.post('save', async function (doc: { db: Connection; _id: Types.ObjectId; orgId: Types.ObjectId }) {
    await notify(doc.db, { id: doc._id, orgId: doc.orgId, deleted: false });
  });
  schema.post(['updateOne', 'findOneAndUpdate'], async function (res: unknown) {
    const id = idOf(this.getFilter());
    // `updateOne` resolves to its counts (nothing changed: nothing to follow), `findOneAndUpdate`
    // to the document or null.
    const counts = res as { modifiedCount?: number; upsertedCount?: number } | null;
    if (!id || !res) return;
    if (typeof counts?.modifiedCount === 'number' && counts.modifiedCount + (counts.upsertedCount ?? 0) === 0)
      return;
    await notify(this.model.db, { id, deleted: false });
  });
  schema.pre('deleteOne', { document: false, query: true }, async function () {
    const id = idOf(this.getFilter());
    if (!id || !listeners.get(this.model.db)?.size) return;
    const doc = await this.model.collection.findOne<OrgOnly>({ _id: id }, { projection: { orgId: 1 } });
    if (doc?.orgId) deleting.set(this, doc.orgId);
  });
  schema.post('deleteOne', { document: false, query: true }, async function (res: { deletedCount?: number }) {
    const id = idOf(this.getFilter());
    const orgId = deleting.get(this);
    if (!id || !orgId || res.deletedCount !== 1) return;
    await notify(this.model.db, { id, orgId, deleted: true });
  });
}
