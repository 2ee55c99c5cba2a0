import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BufferPool } from './buffer-pool.js';
import { FileHandleCache, type FileHandleCacheOptions } from './file-handle-cache.js';
import { assertStorageKey } from './storage-key.js';
import type { ByteRange, ObjectReader, Storage, StoredObject } from './storage.js';
import { writeRange } from './write-range.js';
import { fileMtime } from './file-mtime.js';

/** Large reads: fewer syscalls and event-loop turns per MiB served. */
export const READ_HIGH_WATER_MARK = 1024 * 1024;

export interface LocalStorageOptions {
  /** Descriptor reuse when serving (see `FileHandleCache`). */
  fileHandles?: FileHandleCacheOptions;
  /** Idle 1 MiB read buffers kept for serving (default 64, i.e. up to 64 MiB). */
  pooledBuffers?: number;
}

/** Storage in a local (or shared, e.g. NFS) directory. */
export class LocalStorage implements Storage {
  readonly root: string;
  private readonly handles: FileHandleCache;
  private readonly buffers: BufferPool;

  constructor(root: string, options: LocalStorageOptions = {}) {
    this.root = resolve(root);
    this.handles = new FileHandleCache(options.fileHandles);
    this.buffers = new BufferPool(READ_HIGH_WATER_MARK, options.pooledBuffers ?? 64);
  }

  localPath(key: string): string {
    assertStorageKey(key);
    const path = resolve(this.root, key);
    // Belt and braces: the key check already refuses `..`, this refuses anything it missed.
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return path;
  }

  async write(
    key: string,
    body: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ size: number }> {
    const path = this.localPath(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.part`;
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    try {
      await pipeline(body, createWriteStream(temp), { signal: options.signal });
      await rename(temp, path);
      this.handles.evict(path); // a descriptor of the file this replaced must not be reused
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { size };
  }

  read(key: string, range?: ByteRange): Readable {
    const path = this.localPath(key);
    return createReadStream(path, {
      highWaterMark: READ_HIGH_WATER_MARK,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
  }

  /**
   * Serving without per-request allocation or open/close: the descriptor comes from a short-lived
   * cache and reads go into pooled 1 MiB buffers (see `writeRange`).
   */
  async openReader(key: string, options: { expectSize?: number } = {}): Promise<ObjectReader | null> {
    const path = this.localPath(key);
    let lease;
    try {
      lease = await this.handles.acquire(path, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return null;
      throw err;
    }
    const buffers = this.buffers;
    return {
      size: lease.size,
      mtime: lease.mtime,
      send: (range, out) => writeRange(lease.fd, range, out, buffers).finally(() => lease.release()),
      release: () => lease.release(),
    };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.localPath(key));
      return s.isFile() ? { key, size: s.size, mtime: fileMtime(s) } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertStorageKey(prefix, { prefix: true });
    const dir = resolve(this.root, prefix);
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile() && !e.name.endsWith('.part'))
          out.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(dir);
    return out.sort();
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    if (prefix !== '') {
      assertStorageKey(prefix, { prefix: true });
      if (!prefix.endsWith('/')) throw new Error(`a prefix ends with "/": ${prefix}`);
    }
    try {
      const entries = await readdir(prefix === '' ? this.root : resolve(this.root, prefix), {
        withFileTypes: true,
      });
      return entries
        .filter((e) => e.isDirectory())
        .map((e) => `${prefix}${e.name}/`)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertStorageKey(prefix, { prefix: true });
    const dir = resolve(this.root, prefix);
    this.handles.evict(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
