/**
 * Fixed-size buffers handed out and taken back, so serving a file allocates nothing per request.
 * A fresh 1 MiB buffer per read is garbage the collector must chase at a thousand requests a
 * second; reusing a few dozen keeps the heap flat. A buffer must be given back only once nothing
 * refers to it any more (for a socket write: in the write's callback).
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  /**
   * @param size bytes in each buffer
   * @param keep most idle buffers kept; beyond that, returned buffers are left to the GC
   */
  constructor(
    readonly size: number,
    readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.free.length < this.keep && !this.free.includes(buffer))
      this.free.push(buffer);
  }

  /** Buffers waiting to be taken. */
  get idle(): number {
    return this.free.length;
  }
}
