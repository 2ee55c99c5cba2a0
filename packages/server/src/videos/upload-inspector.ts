import { createHash, type Hash } from 'node:crypto';
import { streamGarbage } from '@reelkit/storage';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../http/app-error.js';
import {
  ACCEPTED_CONTAINERS_TEXT,
  SNIFF_BYTES,
  sniffContainer,
  type SniffedContainer,
} from './sniff-container.js';

export interface InspectorOptions {
  /** Bytes this stream may carry before it fails with `upload_too_large`. */
  maxBytes: number;
  /** Sniff the head of the stream (false when an earlier part already was). */
  sniff: boolean;
  /** Bytes of the upload stored before this stream (a resumed tus upload), for sniffing. */
  priorHead?: Buffer;
  /**
   * When the stream ends before the sniffer could decide: true rejects it (the whole file is
   * here), false lets it through undecided (more parts will follow).
   */
  endIsFinal: boolean;
  /** Compute a sha256 of everything that passes. */
  hash: boolean;
}

/**
 * A pass-through that inspects an upload on its way to storage: holds back the first bytes until
 * they are sniffed (nothing reaches storage before that), counts bytes against the size cap and
 * hashes. Errors are `AppError`s (`upload_type_rejected`, `upload_too_large`). Memory use is bounded
 * by the sniff window plus the stream buffers, whatever the upload size; the chunks that went
 * through are counted into the process's `streamGarbage` pacer (`@reelkit/storage`), which bounds them once written.
 */
export class UploadInspector extends Transform {
  size = 0;
  type: SniffedContainer | undefined;
  private readonly hasher: Hash | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private deciding: boolean;

  constructor(private readonly options: InspectorOptions) {
    super({ highWaterMark: 1024 * 1024 });
    this.hasher = options.hash ? createHash('sha256') : undefined;
    this.deciding = options.sniff;
  }

  get sha256(): string {
    if (!this.hasher) throw new Error('hashing was not requested');
    return this.hasher.digest('hex');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    streamGarbage.received(chunk.length);
    if (this.size > this.options.maxBytes) {
      done(new AppError('upload_too_large', `The upload exceeds ${this.options.maxBytes} bytes`));
      return;
    }
    if (!this.deciding) {
      this.pass(chunk);
      done();
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    done(this.decide(false));
  }

  override _flush(done: TransformCallback): void {
    done(this.deciding ? this.decide(this.options.endIsFinal, true) : null);
  }

  /** Sniffs what is held; releases it when accepted. Returns the error to fail with, if any. */
  private decide(final: boolean, ending = false): Error | null {
    const prior = this.options.priorHead ?? Buffer.alloc(0);
    const head = Buffer.concat(
      [prior, ...this.held],
      Math.min(prior.length + this.heldBytes, SNIFF_BYTES + prior.length),
    );
    const verdict = sniffContainer(head.subarray(0, SNIFF_BYTES), final);
    if (verdict.verdict === 'reject') {
      return new AppError(
        'upload_type_rejected',
        `The file is not a supported media container (${ACCEPTED_CONTAINERS_TEXT})`,
      );
    }
    if (verdict.verdict === 'more' && !ending) return null;
    if (verdict.verdict === 'accept') this.type = verdict.type;
    this.deciding = false;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const c of held) this.pass(c);
    return null;
  }

  private pass(chunk: Buffer): void {
    this.hasher?.update(chunk);
    this.push(chunk);
  }
}
