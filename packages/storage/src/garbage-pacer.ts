import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Every chunk of a byte stream passing through the process is a fresh Buffer — a request body chunk
 * Node's HTTP parser copied out of the socket, a chunk of a file read to be published or of an
 * object downloaded — garbage as soon as it is written on: 2 GiB of garbage for a 2 GiB upload, the
 * whole ladder of a long video for a publish. The chunks die young, so a young-generation GC (a
 * scavenge, ~1 ms) frees them.
 *
 * Node 20's V8 ran that scavenge itself once ~32 MiB of such buffers had piled up ("external memory
 * pressure" in `--trace-gc`). Node 24's V8 does not: only its external-memory limit (64 MiB above
 * the last full GC) starts an incremental mark-compact, which runs in idle-time tasks and finishes
 * hundreds of milliseconds later — later still when the CPU is busy — while the bytes keep coming.
 * That is the +65–80 MiB of RSS per upload on Node 24 (and more on a loaded machine), and the
 * dozens of full GCs per GiB that slow the upload down. The transcoder's publishing and source fetch
 * pass a whole ladder or source through such chunks too, so they are paced alike.
 *
 * So byte streams pace the scavenges themselves: after every `everyBytes` bytes received (all
 * streams of the process together) they run one, synchronously, so the garbage stays below that
 * bound whatever the load. One scavenge per 16 MiB costs about a millisecond per 16 MiB.
 */
export interface GarbagePacer {
  /** Counts bytes that became garbage (or will once written); scavenges every `everyBytes`. */
  received(bytes: number): void;
  /** Scavenges run so far (for tests and benchmarks). */
  readonly collections: number;
}

type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let exposed: GcFunction | null | undefined;

/**
 * V8's `gc()`: the global one when the process runs with `--expose-gc`, otherwise taken from a
 * fresh context with the flag set for that moment only (the global scope stays as it was).
 * `null` where the runtime offers none.
 */
function gcFunction(): GcFunction | null {
  if (exposed !== undefined) return exposed;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return (exposed = global as GcFunction);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    exposed = typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    exposed = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return exposed;
}

/** Default bound of stream garbage between two scavenges. */
export const GARBAGE_BYTES = 16 * 1024 * 1024;

export function createGarbagePacer(everyBytes = GARBAGE_BYTES): GarbagePacer {
  let pending = 0;
  let collections = 0;
  return {
    received(bytes) {
      pending += bytes;
      if (pending < everyBytes) return;
      pending = 0;
      const gc = gcFunction();
      if (!gc) return;
      gc({ type: 'minor', execution: 'sync' });
      collections++;
    },
    get collections() {
      return collections;
    },
  };
}

/** The process's pacer: garbage and GC are per process, so every stream counts into one. */
export const streamGarbage = createGarbagePacer();

/**
 * The chunks of `source`, each counted into `pacer` once the consumer has taken it (and, for a
 * write, has it on its way): for `Readable.from`, where adding a 'data' listener would start the
 * flow before the consumer is attached.
 */
export async function* pacedChunks(
  source: AsyncIterable<Buffer>,
  pacer: GarbagePacer = streamGarbage,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    yield chunk;
    pacer.received(chunk.length);
  }
}
