import { close, closeSync, fstat, open } from 'node:fs';
import { promisify } from 'node:util';
import { fileMtime } from './file-mtime.js';

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);

/** An open file shared by concurrent readers. */
export interface FileHandleLease {
  readonly fd: number;
  /** Size and modification time when the file was opened. */
  readonly size: number;
  readonly mtime: Date;
  /** Gives the descriptor back; call exactly once. */
  release(): void;
}

interface Entry {
  path: string;
  fd: number;
  size: number;
  mtime: Date;
  refs: number;
  retired: boolean;
  timer: NodeJS.Timeout | undefined;
}

export interface FileHandleCacheOptions {
  /** How long one descriptor is reused for new readers. Bounds how long a file replaced on disk
   * (renamed over, deleted by another process) may still be served from its old inode. */
  maxAgeMs?: number;
  /** Most files kept open at once; beyond that, readers get a descriptor of their own. */
  max?: number;
}

/**
 * Keeps read-only descriptors of recently served files open for a moment. A player reads a file as
 * many range requests in a row; without this each one costs an open, an fstat and a close, each a
 * round trip through libuv's thread pool. A descriptor is reused for `maxAgeMs` after it was
 * opened, then closed once its last reader releases it.
 */
export class FileHandleCache {
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private readonly maxAgeMs: number;
  private readonly max: number;

  constructor(options: FileHandleCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
    this.max = options.max ?? 256;
  }

  /** Files open right now (cached or still leased). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Opens `path` for reading, or shares a descriptor opened less than `maxAgeMs` ago. With
   * `expectSize`, a cached descriptor of a file of another size is dropped and the file reopened,
   * so a file rewritten under the same name is not served from its old inode. Rejects like
   * `fs.open` (ENOENT…), and with EISDIR for anything but a regular file.
   */
  async acquire(path: string, options: { expectSize?: number } = {}): Promise<FileHandleLease> {
    let entry = this.entries.get(path);
    if (entry && options.expectSize !== undefined && entry.size !== options.expectSize) {
      this.retire(entry);
      entry = undefined;
    }
    if (!entry) {
      let pending = this.opening.get(path);
      if (!pending) {
        pending = this.openEntry(path).finally(() => this.opening.delete(path));
        this.opening.set(path, pending);
      }
      entry = await pending;
    }
    entry.refs++;
    return this.lease(entry);
  }

  /** Stops reusing every descriptor below a directory (its files are being deleted). */
  evict(dir: string): void {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const entry of [...this.entries.values()]) {
      if (entry.path.startsWith(prefix) || entry.path === dir) this.retire(entry);
    }
  }

  /** Retires every descriptor; leased ones close on release. */
  clear(): void {
    for (const entry of [...this.entries.values()]) this.retire(entry);
  }

  private async openEntry(path: string): Promise<Entry> {
    const fd = await openAsync(path, 'r');
    let stats;
    try {
      stats = await fstatAsync(fd);
      if (!stats.isFile()) throw Object.assign(new Error(`not a file: ${path}`), { code: 'EISDIR' });
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      throw err;
    }
    const entry: Entry = {
      path,
      fd,
      size: stats.size,
      mtime: fileMtime(stats),
      refs: 0,
      retired: false,
      timer: undefined,
    };
    const current = this.entries.get(path);
    if (current) this.retire(current);
    if (this.entries.size >= this.max) {
      entry.retired = true; // no room: this reader's own descriptor, closed on release
    } else {
      this.entries.set(path, entry);
      entry.timer = setTimeout(() => this.retire(entry), this.maxAgeMs);
      entry.timer.unref();
    }
    return entry;
  }

  private lease(entry: Entry): FileHandleLease {
    let released = false;
    return {
      fd: entry.fd,
      size: entry.size,
      mtime: entry.mtime,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.retired && entry.refs === 0) this.closeEntry(entry);
      },
    };
  }

  private retire(entry: Entry): void {
    if (this.entries.get(entry.path) === entry) this.entries.delete(entry.path);
    if (entry.retired) return;
    entry.retired = true;
    clearTimeout(entry.timer);
    if (entry.refs === 0) this.closeEntry(entry);
  }

  private closeEntry(entry: Entry): void {
    // Closing a read-only descriptor is quick; doing it here means no descriptor outlives its
    // last release, and saves a trip through the thread pool.
    try {
      closeSync(entry.fd);
    } catch {
      // already closed: nothing to do
    }
  }
}
