// The whole stack a browser test plays from, started the one way every such test does it: the
// real API (as `npm start` serves it: socket.io, results applier, signed URLs to itself), a real
// transcoder worker with ffmpeg, a signed-up organisation and Chromium, all on a Redis prefix and
// a database of the test's own. `stop()` closes what started, in reverse order, even after a
// failed start.
import { call, signup, startTestApi, uploadVideo, type TestApi, type TestApiOptions } from './api-server.js';
import { launchBrowser, type TestBrowser } from './browser.js';
import { startTs, type Proc } from './processes.js';
import { isolatedStack, stackEnv } from './stack-env.js';
import { waitForVideoStatus } from './wait-for-transcode.js';

/** Fast encodes with short segments: tests wait on the worker, not on x264. */
const WORKER_ENV = { X264_PRESET: 'ultrafast', HLS_SEGMENT_S: '2' };

export interface TranscodingStackOptions {
  /** The organisation the admin signs up. */
  orgName?: string;
  /** More server environment (e.g. `CORS_ORIGINS`). */
  apiEnv?: Record<string, string>;
  /** More `startTestApi` options (`complete` is always on). */
  apiOptions?: Omit<TestApiOptions, 'complete'>;
  /** More worker environment, over ultrafast x264 and 2 s segments. */
  workerEnv?: Record<string, string>;
}

export interface TranscodingStack {
  api: TestApi;
  worker: Proc;
  admin: Awaited<ReturnType<typeof signup>>;
  browser: TestBrowser;
  /** The isolated Redis prefix and database, for another process to join the same stack. */
  isolated: { REDIS_PREFIX: string; MONGODB_DB: string };
  /** Uploads `file` as the admin and waits for the worker to make it ready; returns its id. */
  uploadReady(file: string, title: string): Promise<string>;
  /** The signed master playlist URL of a ready video, as the API hands it to the admin. */
  masterOf(videoId: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts API, worker, sign-up and Chromium side by side under the name `name`. */
export async function startTranscodingStack(
  name: string,
  options: TranscodingStackOptions = {},
): Promise<TranscodingStack> {
  const isolated = isolatedStack(name);
  const started: Partial<Pick<TranscodingStack, 'api' | 'worker' | 'browser'>> = {};
  const stop = async () => {
    await started.browser?.close();
    await started.worker?.stop('SIGKILL');
    await started.api?.close();
  };
  try {
    started.api = await startTestApi(
      { ...isolated, ...options.apiEnv },
      { ...options.apiOptions, complete: true },
    );
    const api = started.api;
    const worker = (started.worker = startTs('packages/transcoder/src/main.ts', {
      ...stackEnv(),
      ...isolated,
      ...WORKER_ENV,
      ...options.workerEnv,
    }));
    // Settled, not raced: a failure must not leave a browser launching after stop() ran.
    const [ready, signedUp, launched] = await Promise.allSettled([
      worker.waitFor(/worker ready/, 60_000),
      signup(api.url, options.orgName ?? `Org ${name}`),
      launchBrowser().then((b) => (started.browser = b)),
    ]);
    for (const r of [ready, signedUp, launched]) if (r.status === 'rejected') throw r.reason;
    const admin = (signedUp as PromiseFulfilledResult<TranscodingStack['admin']>).value;
    const browser = started.browser!;
    return {
      api,
      worker,
      admin,
      browser,
      isolated,
      async uploadReady(file, title) {
        const id = await uploadVideo(api.url, admin.accessToken, file, title);
        const video = await waitForVideoStatus(api, admin.accessToken, id, ['ready', 'failed']);
        if (video.status !== 'ready') throw new Error(`transcode failed: ${JSON.stringify(video.error)}`);
        return id;
      },
      async masterOf(videoId) {
        const res = await call(api.url, 'GET', `/v1/videos/${videoId}/playback`, {
          token: admin.accessToken,
        });
        if (res.status !== 200) throw new Error(`playback failed: ${res.status} ${res.text}`);
        return res.body.hls as string;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
