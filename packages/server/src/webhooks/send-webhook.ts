import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './resolve-target.js';

export interface SendResult {
  /** The HTTP status, or null when no response came (timeout, refused, reset). */
  statusCode: number | null;
  durationMs: number;
  /** Why it failed, when it did. */
  error: string | null;
}

/** Bytes of a response read (and thrown away) before the connection is cut. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a signed body to an already-checked target. It connects to `target.address` only (the
 * host name still goes in `Host` and TLS SNI), follows no redirect (a 3xx is a failure) and gives
 * up after `timeoutMs` in total. Only a 2xx counts as delivered.
 */
export function sendWebhook(input: {
  target: ResolvedTarget;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}): Promise<SendResult> {
  const { target } = input;
  const started = performance.now();
  // Pin the checked address; Node may ask for a list (autoSelectFamily) or for one address.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, durationMs: Math.round(performance.now() - started), error });
    };
    const req = request(target.url, {
      method: 'POST',
      lookup,
      headers: {
        ...input.headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(input.body)),
        'user-agent': 'Reelkit-Webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(null, `timed out after ${input.timeoutMs} ms`);
    }, input.timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => {
        const status = res.statusCode ?? 0;
        finish(status, status >= 200 && status < 300 ? null : `answered ${status}`);
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (err) => finish(null, err.message));
    req.end(input.body);
  });
}
