import { randomUUID } from 'node:crypto';
import { Types, type Connection, type Schema } from 'mongoose';

/**
 * One write of a video through the model: `orgId` is known for creations and deletions (a
 * deletion reads it first), and may be missing for an update (the listener reads the document).
 * `intent` is the id the `before` listeners were given for the same write; `unchanged` says the
 * write matched nothing or changed nothing (there is nothing to follow, only the intent to clear).
 */
export interface VideoWrite {
  id: Types.ObjectId;
  orgId?: Types.ObjectId | undefined;
  deleted: boolean;
  intent?: string | undefined;
  unchanged?: boolean;
}

/** A write about to reach the database, with the id of this one write. */
export interface VideoWriteIntent {
  id: Types.ObjectId;
  orgId?: Types.ObjectId | undefined;
  intent: string;
}

/** Must not throw: it runs inside the write, whose caller would see its error. */
export type VideoWriteListener = (write: VideoWrite) => Promise<void>;
/** Must not throw either; runs before the write is sent to the database. */
export type VideoWriteIntentListener = (write: VideoWriteIntent) => Promise<void>;

interface Listener {
  after: VideoWriteListener;
  before?: VideoWriteIntentListener | undefined;
}

const listeners = new WeakMap<Connection, Map<string, Listener>>();

/**
 * Calls `listener` after every write of a video made through the model on `db` — creations,
 * `updateOne`, `findOneAndUpdate` and `deleteOne` by `_id`, which are every write Reelkit makes —
 * before the write's promise resolves, and `before` (if given) before the write is sent, with the
 * same `intent`: a process killed between the database's write and `listener` (kill -9, a crash)
 * leaves what `before` recorded, for another process to finish. One listener per `key` and
 * connection (the catalogue index registers under its Redis prefix, so two services on one
 * connection do not follow twice). Writes outside the model (`insertMany`, `Video.collection.*`)
 * are not seen: a rebuild or the periodic reconciliation picks them up. Returns the unregistration.
 */
export function onVideoWrite(
  db: Connection,
  key: string,
  listener: VideoWriteListener,
  before?: VideoWriteIntentListener,
): () => void {
  let map = listeners.get(db);
  if (!map) listeners.set(db, (map = new Map()));
  const entry: Listener = { after: listener, before };
  map.set(key, entry);
  return () => {
    if (map.get(key) === entry) map.delete(key);
  };
}

async function notify(db: Connection, write: VideoWrite): Promise<void> {
  const map = listeners.get(db);
  if (map) await Promise.all([...map.values()].map((l) => l.after(write)));
}

/** The intents of writes under way, by their query or document, for their post hooks. */
const intents = new WeakMap<object, string>();

/** Tells the `before` listeners of a write about to be sent; remembers its intent for the post hook. */
async function notifyBefore(
  db: Connection,
  self: object,
  write: Omit<VideoWriteIntent, 'intent'>,
): Promise<void> {
  const map = listeners.get(db);
  if (!map?.size) return;
  const intent = randomUUID();
  intents.set(self, intent);
  await Promise.all([...map.values()].map((l) => l.before?.({ ...write, intent })));
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
  type SavedDoc = { db: Connection; _id: Types.ObjectId; orgId: Types.ObjectId };
  schema.pre('save', async function () {
    const doc = this as unknown as SavedDoc;
    await notifyBefore(doc.db, doc, { id: doc._id, orgId: doc.orgId });
  });
  schema.post('save', async function (doc: SavedDoc) {
    await notify(doc.db, { id: doc._id, orgId: doc.orgId, deleted: false, intent: intents.get(doc) });
  });
  schema.pre(['updateOne', 'findOneAndUpdate'], async function () {
    const id = idOf(this.getFilter());
    if (id) await notifyBefore(this.model.db, this, { id });
  });
  schema.post(['updateOne', 'findOneAndUpdate'], async function (res: unknown) {
    const id = idOf(this.getFilter());
    if (!id) return;
    const intent = intents.get(this);
    // `updateOne` resolves to its counts (nothing changed: nothing to follow), `findOneAndUpdate`
    // to the document or null.
    const counts = res as { modifiedCount?: number; upsertedCount?: number } | null;
    const unchanged =
      !res ||
      (typeof counts?.modifiedCount === 'number' && counts.modifiedCount + (counts.upsertedCount ?? 0) === 0);
    if (unchanged && !intent) return;
    await notify(this.model.db, { id, deleted: false, intent, unchanged });
  });
  schema.pre('deleteOne', { document: false, query: true }, async function () {
    const id = idOf(this.getFilter());
    if (!id || !listeners.get(this.model.db)?.size) return;
    const doc = await this.model.collection.findOne<OrgOnly>({ _id: id }, { projection: { orgId: 1 } });
    if (!doc?.orgId) return;
    deleting.set(this, doc.orgId);
    await notifyBefore(this.model.db, this, { id, orgId: doc.orgId });
  });
  schema.post('deleteOne', { document: false, query: true }, async function (res: { deletedCount?: number }) {
    const id = idOf(this.getFilter());
    const orgId = deleting.get(this);
    if (!id || !orgId) return;
    const intent = intents.get(this);
    await notify(this.model.db, { id, orgId, deleted: true, intent, unchanged: res.deletedCount !== 1 });
  });
}
