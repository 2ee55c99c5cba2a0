// A two-rung fMP4 HLS ladder made with ffmpeg (cached per machine), served the way Reelkit serves
// it: under /v1/play/<token>/<videoId>/hls/... with expiring tokens, a playback descriptor and
// 403 problem+json for an expired token. Used until the browser tests can run on the real API.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../support/clips.js';
import type { Handler } from '../support/browser.js';

/** Makes (once) an 8 s ladder, 360p + 180p, 1 s segments; returns its folder. */
export async function makeHlsLadder(seconds = 8): Promise<string> {
  const dir = join(tmpdir(), 'reelkit-test-clips', `ladder-${seconds}s-v1`);
  if (existsSync(join(dir, 'master.m3u8'))) return dir;
  const temp = `${dir}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  // prettier-ignore
  await runFfmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-filter_complex', '[0:v]split=2[a][b];[b]scale=320:180[b2]',
    '-map', '[a]', '-map', '[b2]', '-map', '1:a', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-profile:v', 'main',
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
    '-b:v:0', '900k', '-b:v:1', '250k', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'hls', '-hls_time', '1', '-hls_segment_type', 'fmp4', '-hls_playlist_type', 'vod',
    '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(temp, '%v/seg_%05d.m4s'),
    '-master_pl_name', 'master.m3u8',
    '-var_stream_map', 'v:0,a:0,name:360p v:1,a:1,name:180p',
    join(temp, '%v/index.m3u8'),
  ]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(temp, dir);
  return dir;
}

export interface FakePlayback {
  handler: Handler;
  /** Mints a token valid for `ttlMs`. */
  mint(ttlMs: number): { token: string; expiresAt: string };
  /** Ends a token at once (the next request with it gets a 403). */
  revoke(token: string): void;
  /** Segment requests as `<token> <path>` and their status. */
  hits: Array<{ token: string; path: string; status: number }>;
  /** Videos that answer `status: processing` until set ready. */
  processing: Set<string>;
}

/** Reelkit's playback routes over the ladder, for any video id. */
export function fakePlayback(ladder: string, base: () => string): FakePlayback {
  const tokens = new Map<string, number>();
  const hits: FakePlayback['hits'] = [];
  const processing = new Set<string>();
  const mint = (ttlMs: number) => {
    const token = randomBytes(12).toString('base64url');
    const exp = Date.now() + ttlMs;
    tokens.set(token, exp);
    return { token, expiresAt: new Date(exp).toISOString() };
  };
  const problem = (res: Parameters<Handler>[1], status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: code, status, code }));
  };
  const handler: Handler = (req, res, url) => {
    if (url.pathname === '/mint') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(mint(Number(url.searchParams.get('ttl') ?? '60') * 1000)));
      return true;
    }
    const desc = /^\/v1\/videos\/([^/]+)\/playback$/.exec(url.pathname);
    if (desc) {
      const videoId = desc[1]!;
      const given = url.searchParams.get('token');
      if (given && !((tokens.get(given) ?? 0) > Date.now())) {
        problem(res, 403, 'playback_token_expired');
        return true;
      }
      const grant = given
        ? { token: given, expiresAt: new Date(tokens.get(given)!).toISOString() }
        : mint(60_000);
      const ready = !processing.has(videoId);
      const signed = `${base()}/v1/play/${grant.token}/${videoId}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          videoId,
          status: ready ? 'ready' : 'processing',
          ...grant,
          hls: ready ? `${signed}/hls/master.m3u8` : null,
          mp4: null,
          poster: null,
          duration: ready ? 8 : null,
        }),
      );
      return true;
    }
    const play = /^\/v1\/play\/([^/]+)\/([^/]+)\/hls\/([\w/.]+)$/.exec(url.pathname);
    if (play) {
      const [, token, , path] = play as unknown as [string, string, string, string];
      const ok = (tokens.get(token) ?? 0) > Date.now();
      hits.push({ token, path, status: ok ? 200 : 403 });
      if (!ok) {
        problem(res, 403, 'playback_token_expired');
        return true;
      }
      if (path.includes('..')) return false;
      const file = join(ladder, path);
      if (!existsSync(file)) return false;
      const type = path.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
      return true;
    }
    void req;
    return false;
  };
  return {
    handler,
    mint,
    revoke: (token) => tokens.set(token, 0),
    hits,
    processing,
  };
}
