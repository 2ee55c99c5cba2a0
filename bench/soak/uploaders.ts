// Uploaders of the soak: tus uploads (every third one cut mid-PATCH and resumed from the offset a
// HEAD gives, through whichever API answers next) and multipart uploads, of small generated clips.
// A client retries what a real one would: a 503/507 after its Retry-After, a connection that fails
// on the other API, all within a bounded budget. Each upload ends byte-identical (the API's
// sha256 of the stored source equals ours), failed with a code, or LOST — which must never happen.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TUS, tusMetadata } from '../../test/support/tus-requests.js';
import { bearer, type Org, type World } from './world.js';

export interface UploadTally {
  started: number;
  identical: number;
  failedWithCode: number;
  /** Attempts answered by a retry (503/507/no answer) before the upload ended. */
  retries: number;
  codes: Record<string, number>;
  /** Uploads that ended otherwise: what happened, for the report. */
  lost: string[];
  /** What the first uploads that failed with a code went through. */
  failures: string[];
}

export interface Clip {
  bytes: Buffer;
  sha256: string;
}

export const clipOf = (bytes: Buffer): Clip => ({
  bytes,
  sha256: createHash('sha256').update(bytes).digest('hex'),
});

/** How long one upload keeps retrying before it gives up with the last code it got. */
const UPLOAD_BUDGET_MS = 180_000;

const retryable = (status: number) => status === 0 || status === 503 || status === 507 || status === 502;

class Attempt {
  readonly end = Date.now() + UPLOAD_BUDGET_MS;
  lastCode: string | undefined;
  /** The statuses and codes of the answers retried, in order. */
  readonly history: string[] = [];
  constructor(
    readonly world: World,
    readonly tally: UploadTally,
  ) {}

  /** Notes an answer that was not a success: its status and problem code. */
  note(res: { status: number; json?: unknown }): void {
    const code = (res.json as { code?: string } | undefined)?.code;
    this.history.push(`${res.status || 'no answer'}${code ? ` ${code}` : ''}`);
    if (code) this.lastCode = code;
  }

  /** After a retryable answer: waits as told (or a second) and says whether to try again. */
  async again(res: { status: number; headers: Headers | undefined; json?: unknown }): Promise<boolean> {
    this.note(res);
    this.tally.retries += 1;
    const after = Number(res.headers?.get('retry-after') ?? 1);
    // Not cut short when the run stops: an upload under way finishes (or runs out of budget).
    await sleep(Math.min(5, Number.isFinite(after) ? Math.max(after, 0.5) : 1) * 1000);
    return Date.now() < this.end;
  }
}

/** Sends `body` as a PATCH but cuts the connection after `cutAt` bytes, as a dropped link does. */
function cutPatch(url: string, headers: Record<string, string>, offset: number, body: Buffer, cutAt: number) {
  return new Promise<void>((resolve) => {
    const req = request(url, {
      method: 'PATCH',
      headers: {
        ...headers,
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(body.length),
      },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(body.subarray(0, cutAt), () => setTimeout(() => req.destroy(), 200));
    req.on('close', () => resolve());
  });
}

async function tusUpload(world: World, org: Org, clip: Clip, cut: boolean, attempt: Attempt) {
  const { rec } = world;
  let api = world.pickApi();
  let created;
  for (;;) {
    created = await rec.timed('upload', api, `${world.apis[api]}/v1/uploads`, {
      method: 'POST',
      headers: {
        ...bearer(org),
        ...TUS,
        'upload-length': String(clip.bytes.length),
        'upload-metadata': tusMetadata({ filename: 'soak.mp4', title: 'soak tus' }),
      },
    });
    if (created.status === 201) break;
    if (!retryable(created.status)) attempt.note(created);
    if (!retryable(created.status) || !(await attempt.again(created))) return undefined;
    api = world.pickApi();
  }
  const path = new URL(created.headers!.get('location')!, world.apis[api]).pathname;
  const id = created.headers!.get('reelkit-video-id')!;
  let offset = 0;
  let cutDone = !cut;
  const chunk = Math.ceil(clip.bytes.length / 3);
  while (offset < clip.bytes.length) {
    if (Date.now() > attempt.end) return { id, complete: false };
    api = world.pickApi();
    const url = `${world.apis[api]}${path}`;
    const body = clip.bytes.subarray(offset, offset + chunk);
    if (!cutDone) {
      cutDone = true;
      await cutPatch(url, bearer(org), offset, body, Math.floor(body.length / 2));
    } else {
      const res = await rec.timed('upload', api, url, {
        method: 'PATCH',
        headers: {
          ...bearer(org),
          ...TUS,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: new Uint8Array(body),
      });
      if (res.status === 204) {
        offset = Number(res.headers!.get('upload-offset'));
        continue;
      }
      if (res.status !== 409 && !retryable(res.status)) {
        attempt.note(res);
        return { id, complete: false };
      }
      if (res.status !== 409 && !(await attempt.again(res))) return { id, complete: false };
    }
    // After a cut, a conflict or a retryable answer: ask where the upload stands (through whichever
    // API the balancer picks: the one that failed may be down).
    for (;;) {
      api = world.pickApi();
      const head = await rec.timed('upload', api, `${world.apis[api]}${path}`, {
        method: 'HEAD',
        headers: { ...bearer(org), ...TUS },
      });
      if (head.status === 200) {
        offset = Number(head.headers!.get('upload-offset'));
        break;
      }
      if (!retryable(head.status)) attempt.note(head);
      if (!retryable(head.status) || !(await attempt.again(head))) return { id, complete: false };
    }
  }
  return { id, complete: true };
}

async function multipartUpload(world: World, org: Org, clip: Clip, attempt: Attempt) {
  for (;;) {
    const api = world.pickApi();
    const form = new FormData();
    form.set('title', 'soak multipart');
    form.set('file', new Blob([new Uint8Array(clip.bytes)]), 'soak.mp4');
    const res = await world.rec.timed('upload', api, `${world.apis[api]}/v1/videos`, {
      method: 'POST',
      headers: bearer(org),
      body: form,
    });
    const id = (res.json as { id?: string } | undefined)?.id;
    if (res.status === 201 && id) return { id, complete: true };
    if (!retryable(res.status)) attempt.note(res);
    if (!retryable(res.status) || !(await attempt.again(res))) return undefined;
  }
}

/** The stored source's sha256 as the API reports it, read until an API answers. */
async function storedSha256(
  world: World,
  org: Org,
  id: string,
  attempt: Attempt,
): Promise<string | undefined> {
  for (;;) {
    const api = world.pickApi();
    const res = await world.rec.timed('status', api, `${world.apis[api]}/v1/videos/${id}`, {
      headers: bearer(org),
    });
    const body = res.json as { source?: { sha256?: string } | null; status?: string } | undefined;
    if (res.status === 200 && body?.source?.sha256) return body.source.sha256;
    // Complete for the client but not yet recorded: a last PATCH that timed out may still be
    // finishing on the server. Ask again, within the budget.
    if (res.status === 200) {
      if (Date.now() > attempt.end) return undefined;
      await sleep(1000);
      continue;
    }
    if (!retryable(res.status)) attempt.note(res);
    if (!retryable(res.status) || !(await attempt.again(res))) return undefined;
  }
}

async function uploadOnce(world: World, n: number, clips: Clip[], tally: UploadTally): Promise<void> {
  const org = world.orgs[n % world.orgs.length]!;
  const clip = clips[n % clips.length]!;
  const attempt = new Attempt(world, tally);
  tally.started += 1;
  const tus = n % 2 === 0;
  const done = tus
    ? await tusUpload(world, org, clip, n % 3 === 0, attempt)
    : await multipartUpload(world, org, clip, attempt);
  const sha = done?.complete ? await storedSha256(world, org, done.id, attempt) : undefined;
  if (done?.complete && sha === clip.sha256) {
    tally.identical += 1;
    world.tracked.set(done.id, { id: done.id, org, status: 'queued' });
    return;
  }
  if (done?.complete && sha !== undefined) {
    tally.lost.push(`${done.id}: stored sha256 ${sha} is not the clip's ${clip.sha256}`);
    return;
  }
  if (attempt.lastCode) {
    tally.failedWithCode += 1;
    tally.codes[attempt.lastCode] = (tally.codes[attempt.lastCode] ?? 0) + 1;
    if (tally.failures.length < 20)
      tally.failures.push(
        `${tus ? 'tus' : 'multipart'} ${done?.id ?? '(not created)'}: ${attempt.history.join(', ')}`,
      );
    return;
  }
  tally.lost.push(
    `${tus ? 'tus' : 'multipart'} upload ${done?.id ?? '(not created)'} ended with no code: ${attempt.history.join(', ')}`,
  );
}

/** Runs `count` uploaders in parallel, each uploading one clip after another until the world stops. */
export function startUploaders(
  world: World,
  count: number,
  clips: Clip[],
  tally: UploadTally,
): Promise<void> {
  let n = 0;
  return Promise.all(
    Array.from({ length: count }, async () => {
      while (!world.stopped) {
        await uploadOnce(world, n++, clips, tally);
        await world.pause(500);
      }
    }),
  ).then(() => undefined);
}
