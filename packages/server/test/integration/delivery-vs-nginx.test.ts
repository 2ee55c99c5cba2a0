// Differential test: the same Range and conditional headers sent to Reelkit's delivery routes and
// to nginx (Debian nginx-light, `sendfile on`) serving the same files from the same folder. They
// must agree on status, Content-Range, Content-Length and body, except where RFC 9110 lets a server
// choose or nginx departs from it — each such case is listed in DIFFERENCES with its section, and
// both sides are asserted there too, so a change in either is noticed.
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeReadyVideo, type ReadyVideo } from '../../../../test/support/hls-fixture.js';
import { startNginx, type RunningNginx } from '../../../../test/support/nginx.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * A request with exactly these headers (fetch would add its own). A kept-alive socket the server
 * closed as idle just as it was reused resets the request; browsers retry such a request once, and
 * so does this (Node's documented pattern, `req.reusedSocket`). A reset on a fresh socket still fails.
 */
async function send(url: string, method: string, headers: Record<string, string>): Promise<Answer> {
  try {
    return await sendOnce(url, method, headers);
  } catch (err) {
    if (
      (err as { reusedSocket?: boolean }).reusedSocket &&
      (err as NodeJS.ErrnoException).code === 'ECONNRESET'
    )
      return sendOnce(url, method, headers);
    throw err;
  }
}

function sendOnce(url: string, method: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(
            Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
          ),
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end();
  });
}

/** What each server's own validators make of a header template. */
interface Vars {
  etag: string;
  lm: string;
  size: number;
}
interface Case {
  name: string;
  method?: 'GET' | 'HEAD';
  headers: (v: Vars) => Record<string, string>;
}

const DAY = 86_400_000;
const imf = (ms: number) => new Date(ms).toUTCString();
/** The same instant as an obsolete RFC 850 date and as asctime (RFC 9110 §5.6.7). */
function rfc850(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  const [, dd, mon, yyyy, time] = d.toUTCString().split(' ') as [string, string, string, string, string];
  return `${day}, ${dd}-${mon}-${yyyy.slice(2)} ${time} GMT`;
}
function asctime(ms: number): string {
  const [wd, dd, mon, yyyy, time] = new Date(ms).toUTCString().replace(',', '').split(' ') as string[];
  return `${wd} ${mon} ${String(Number(dd)).padStart(2, ' ')} ${time} ${yyyy}`;
}
const lmMs = (v: Vars) => Date.parse(v.lm);

const CASES: Case[] = [
  // Range (RFC 9110 §14.1.2, §14.2)
  { name: 'no header', headers: () => ({}) },
  { name: 'first byte', headers: () => ({ range: 'bytes=0-0' }) },
  { name: 'first 100', headers: () => ({ range: 'bytes=0-99' }) },
  { name: 'open-ended', headers: () => ({ range: 'bytes=100-' }) },
  { name: 'from zero', headers: () => ({ range: 'bytes=0-' }) },
  { name: 'suffix', headers: () => ({ range: 'bytes=-100' }) },
  { name: 'last byte', headers: (v) => ({ range: `bytes=${v.size - 1}-` }) },
  { name: 'one byte in the middle', headers: () => ({ range: 'bytes=1-1' }) },
  { name: 'last-pos past the end', headers: (v) => ({ range: `bytes=10-${v.size + 1000}` }) },
  { name: 'suffix longer than the file', headers: (v) => ({ range: `bytes=-${v.size + 10}` }) },
  { name: 'starts at the size', headers: (v) => ({ range: `bytes=${v.size}-` }) },
  { name: 'starts past the size', headers: (v) => ({ range: `bytes=${v.size + 100}-${v.size + 200}` }) },
  { name: 'huge first-pos', headers: () => ({ range: 'bytes=99999999999999999999-' }) },
  { name: 'huge last-pos', headers: () => ({ range: 'bytes=0-99999999999999999999' }) },
  { name: 'suffix of zero', headers: () => ({ range: 'bytes=-0' }) },
  { name: 'last < first', headers: () => ({ range: 'bytes=5-1' }) },
  { name: 'not a number', headers: () => ({ range: 'bytes=abc' }) },
  { name: 'empty set', headers: () => ({ range: 'bytes=' }) },
  { name: 'a lone dash', headers: () => ({ range: 'bytes=-' }) },
  { name: 'other unit', headers: () => ({ range: 'lines=0-9' }) },
  { name: 'unit in capitals', headers: () => ({ range: 'BYTES=0-9' }) },
  { name: 'space after =', headers: () => ({ range: 'bytes= 0-9' }) },
  { name: 'spaces around -', headers: () => ({ range: 'bytes=0 - 9' }) },
  { name: 'trailing comma', headers: () => ({ range: 'bytes=0-9,' }) },
  { name: 'leading zeros', headers: () => ({ range: 'bytes=00-09' }) },
  { name: 'hex', headers: () => ({ range: 'bytes=0x10-20' }) },
  { name: 'two disjoint', headers: () => ({ range: 'bytes=0-9,20-29' }) },
  { name: 'two overlapping', headers: () => ({ range: 'bytes=0-9,5-19' }) },
  { name: 'two adjacent', headers: () => ({ range: 'bytes=0-9,10-19' }) },
  { name: 'two suffixes', headers: () => ({ range: 'bytes=-1,-2' }) },
  { name: 'one satisfiable of two', headers: (v) => ({ range: `bytes=0-1,${v.size}-` }) },
  { name: 'none satisfiable of two', headers: (v) => ({ range: `bytes=${v.size}-,${v.size + 1}-` }) },
  // If-None-Match / If-Modified-Since (§13.1.2, §13.1.3)
  { name: 'INM: own tag', headers: (v) => ({ 'if-none-match': v.etag }) },
  { name: 'INM: weak own tag', headers: (v) => ({ 'if-none-match': `W/${v.etag}` }) },
  { name: 'INM: list with own tag', headers: (v) => ({ 'if-none-match': `"x", ${v.etag}` }) },
  { name: 'INM: *', headers: () => ({ 'if-none-match': '*' }) },
  { name: 'INM: other tag', headers: () => ({ 'if-none-match': '"nope"' }) },
  { name: 'IMS: Last-Modified', headers: (v) => ({ 'if-modified-since': v.lm }) },
  { name: 'IMS: a day before', headers: (v) => ({ 'if-modified-since': imf(lmMs(v) - DAY) }) },
  { name: 'IMS: a day after', headers: (v) => ({ 'if-modified-since': imf(lmMs(v) + DAY) }) },
  { name: 'IMS: RFC 850 form', headers: (v) => ({ 'if-modified-since': rfc850(lmMs(v)) }) },
  { name: 'IMS: asctime form', headers: (v) => ({ 'if-modified-since': asctime(lmMs(v)) }) },
  {
    name: 'IMS: ISO 8601',
    headers: (v) => ({ 'if-modified-since': new Date(lmMs(v) + DAY).toISOString() }),
  },
  { name: 'IMS: garbage', headers: () => ({ 'if-modified-since': 'yesterday' }) },
  {
    name: 'INM other + IMS current',
    headers: (v) => ({ 'if-none-match': '"nope"', 'if-modified-since': v.lm }),
  },
  {
    name: 'INM own + IMS stale',
    headers: (v) => ({ 'if-none-match': v.etag, 'if-modified-since': imf(lmMs(v) - DAY) }),
  },
  { name: 'INM own + Range', headers: (v) => ({ 'if-none-match': v.etag, range: 'bytes=0-9' }) },
  // If-Match / If-Unmodified-Since (§13.1.1, §13.1.4), evaluated first (§13.2.2)
  { name: 'IM: own tag', headers: (v) => ({ 'if-match': v.etag }) },
  { name: 'IM: *', headers: () => ({ 'if-match': '*' }) },
  { name: 'IM: list with own tag', headers: (v) => ({ 'if-match': `"a", ${v.etag}` }) },
  { name: 'IM: other tag', headers: () => ({ 'if-match': '"nope"' }) },
  { name: 'IM: weak own tag', headers: (v) => ({ 'if-match': `W/${v.etag}` }) },
  { name: 'IM: other tag + Range', headers: () => ({ 'if-match': '"nope"', range: 'bytes=0-9' }) },
  { name: 'IM: own tag + Range', headers: (v) => ({ 'if-match': v.etag, range: 'bytes=0-9' }) },
  { name: 'IM: own tag + INM own', headers: (v) => ({ 'if-match': v.etag, 'if-none-match': v.etag }) },
  { name: 'IUS: Last-Modified', headers: (v) => ({ 'if-unmodified-since': v.lm }) },
  { name: 'IUS: a day before', headers: (v) => ({ 'if-unmodified-since': imf(lmMs(v) - DAY) }) },
  { name: 'IUS: a day after', headers: (v) => ({ 'if-unmodified-since': imf(lmMs(v) + DAY) }) },
  {
    name: 'IUS: a day before + Range',
    headers: (v) => ({ 'if-unmodified-since': imf(lmMs(v) - DAY), range: 'bytes=0-9' }),
  },
  {
    name: 'IUS: ISO 8601',
    headers: (v) => ({ 'if-unmodified-since': new Date(lmMs(v) - DAY).toISOString() }),
  },
  {
    name: 'IM own + IUS stale',
    headers: (v) => ({ 'if-match': v.etag, 'if-unmodified-since': imf(lmMs(v) - DAY) }),
  },
  // If-Range (§13.1.5)
  { name: 'IR: own tag', headers: (v) => ({ 'if-range': v.etag, range: 'bytes=0-9' }) },
  { name: 'IR: other tag', headers: () => ({ 'if-range': '"nope"', range: 'bytes=0-9' }) },
  { name: 'IR: weak own tag', headers: (v) => ({ 'if-range': `W/${v.etag}`, range: 'bytes=0-9' }) },
  { name: 'IR: Last-Modified', headers: (v) => ({ 'if-range': v.lm, range: 'bytes=0-9' }) },
  {
    name: 'IR: RFC 850 Last-Modified',
    headers: (v) => ({ 'if-range': rfc850(lmMs(v)), range: 'bytes=0-9' }),
  },
  { name: 'IR: a day before', headers: (v) => ({ 'if-range': imf(lmMs(v) - DAY), range: 'bytes=0-9' }) },
  {
    name: 'IR: ISO 8601 of Last-Modified',
    headers: (v) => ({ 'if-range': new Date(lmMs(v)).toISOString(), range: 'bytes=0-9' }),
  },
  { name: 'IR: without Range', headers: (v) => ({ 'if-range': v.etag }) },
  { name: 'IR: own tag, unsatisfiable', headers: (v) => ({ 'if-range': v.etag, range: `bytes=${v.size}-` }) },
  // HEAD (§9.3.2, §14.2)
  { name: 'HEAD', method: 'HEAD', headers: () => ({}) },
  { name: 'HEAD + Range', method: 'HEAD', headers: () => ({ range: 'bytes=0-9' }) },
  { name: 'HEAD + INM own', method: 'HEAD', headers: (v) => ({ 'if-none-match': v.etag }) },
  { name: 'HEAD + IM other', method: 'HEAD', headers: () => ({ 'if-match': '"nope"' }) },
];

/**
 * Where the two may answer differently, and why each answer is allowed. Both statuses are
 * asserted, so a change on either side shows up here.
 */
const DIFFERENCES: Record<string, { reelkit: number; nginx: number; why: string }> = {
  // §14.2: a server MAY ignore Range; several disjoint ranges would need multipart/byteranges
  // (§14.6), which no player asks for. Reelkit sends the whole file; nginx a multipart 206.
  'two disjoint': { reelkit: 200, nginx: 206, why: 'RFC 9110 §14.2 MAY ignore; §14.6 multipart' },
  // §14.2: "a server MAY coalesce any of the ranges that overlap, or that are separated by a gap
  // that is smaller than the overhead of sending multiple parts". Reelkit coalesces into one
  // 206; nginx sends the ranges as they came, as multipart/byteranges.
  'two overlapping': { reelkit: 206, nginx: 206, why: 'RFC 9110 §14.2 MAY coalesce' },
  'two adjacent': { reelkit: 206, nginx: 206, why: 'RFC 9110 §14.2 MAY coalesce' },
  'two suffixes': { reelkit: 206, nginx: 206, why: 'RFC 9110 §14.2 MAY coalesce' },
  // §14.2: "A server that supports range requests MAY ignore or reject a Range header field that
  // contains an invalid ranges-specifier (Section 14.1.1)". Reelkit ignores it (200, the whole
  // file, which any client can use); nginx rejects it (416).
  'last < first': { reelkit: 200, nginx: 416, why: 'RFC 9110 §14.1.1 invalid, §14.2 MAY ignore' },
  'not a number': { reelkit: 200, nginx: 416, why: 'RFC 9110 §14.1.1 invalid, §14.2 MAY ignore' },
  'a lone dash': { reelkit: 200, nginx: 416, why: 'RFC 9110 §14.1.1 invalid, §14.2 MAY ignore' },
  hex: { reelkit: 200, nginx: 416, why: 'RFC 9110 §14.1.1 invalid, §14.2 MAY ignore' },
  // §14.1.1 range-set = 1#range-spec, and §5.6.1.2: a recipient MUST parse and ignore a reasonable
  // number of empty list elements. `bytes=0-9,` is the range 0-9; nginx takes it for invalid.
  'trailing comma': { reelkit: 206, nginx: 416, why: 'RFC 9110 §5.6.1.2 empty list elements' },
  // §14.1.2: last-pos past the end is replaced by the last byte however large it is; nginx
  // refuses a number that overflows its offset type with 416.
  'huge last-pos': { reelkit: 206, nginx: 416, why: 'RFC 9110 §14.1.2 clamp to size-1' },
  // §14.2: Range is defined for GET only, and a server MUST ignore it on other methods; nginx
  // answers a ranged HEAD with the 206 headers.
  'HEAD + Range': { reelkit: 200, nginx: 206, why: 'RFC 9110 §14.2 MUST ignore Range on HEAD' },
  // §13.2.2 step 3: when If-None-Match is present, If-Modified-Since is not evaluated (§13.1.3:
  // "A recipient MUST ignore If-Modified-Since if the request contains an If-None-Match"); nginx
  // needs both to say "not modified".
  'INM own + IMS stale': { reelkit: 304, nginx: 200, why: 'RFC 9110 §13.1.3 / §13.2.2 step 3' },
  // §13.1.4: an If-Unmodified-Since that is not a valid HTTP-date MUST be ignored; nginx treats
  // it as false (412).
  'IUS: ISO 8601': { reelkit: 200, nginx: 412, why: 'RFC 9110 §13.1.4 MUST ignore an invalid date' },
  // §13.2.2 step 2 runs only when If-Match is absent (§13.1.4: MUST ignore IUS when the request
  // has If-Match); nginx evaluates both.
  'IM own + IUS stale': { reelkit: 200, nginx: 412, why: 'RFC 9110 §13.1.4 / §13.2.2 step 2' },
};

/**
 * What differs between the two answers to one case, as readable lines (none when they agree).
 * Statuses are compared as DIFFERENCES lists them; headers and bodies where both are single-part.
 */
function differences(name: string, ours: Answer, theirs: Answer, v: { ours: Vars }): string[] {
  const out: string[] = [];
  const check = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${name}: ${what} is ${String(a)}, expected ${String(b)}`);
  };
  const listed = DIFFERENCES[name.slice(name.indexOf(', ') + 2)];
  if (listed) {
    check('Reelkit status', ours.status, listed.reelkit);
    check('nginx status', theirs.status, listed.nginx);
    return out;
  }
  check('status (nginx in expected)', ours.status, theirs.status);
  check('Content-Range', ours.headers['content-range'], theirs.headers['content-range']);
  if (ours.status === 200 || ours.status === 206) {
    check('Content-Length', ours.headers['content-length'], theirs.headers['content-length']);
    check('body equal', ours.body.equals(theirs.body), true);
  }
  if (ours.status === 304) check('ETag of a 304', ours.headers.etag, v.ours.etag);
  if (ours.status >= 400) {
    check('Cache-Control of an error', ours.headers['cache-control'], 'no-store');
    check('ETag of an error', ours.headers.etag, undefined);
  }
  return out;
}

describe('delivery answers Range and conditionals as nginx does, except where RFC 9110 allows', () => {
  let api: TestApi;
  let nginx: RunningNginx;
  let video: ReadyVideo;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await signup(api.url);
    video = await makeReadyVideo(api.db, stackEnv().STORAGE_DIR, admin.orgId, { seconds: 4 });
    const minted = await call(api.url, 'POST', `/v1/videos/${video.videoId}/playback-tokens`, {
      token: admin.accessToken,
      body: {},
    });
    expect(minted.status).toBe(201);
    token = (minted.body as { token: string }).token;
    // `if_modified_since before`: RFC 9110 §13.1.3 (304 when not modified since); nginx's default
    // `exact` answers 304 only to the very date.
    nginx = await startNginx(`root ${stackEnv().STORAGE_DIR}; if_modified_since before;`);
  });
  afterAll(async () => {
    agent.destroy();
    await nginx?.stop();
    await api?.close();
  });

  const targets = () => {
    const play = `${api.url}/v1/play/${token}/${video.videoId}`;
    const files = `${nginx.url}/${video.orgId}/${video.videoId}`;
    return [
      { name: 'segment', ours: `${play}/hls/360p/seg_00001.m4s`, theirs: `${files}/hls/360p/seg_00001.m4s` },
      { name: 'init segment', ours: `${play}/hls/240p/init.mp4`, theirs: `${files}/hls/240p/init.mp4` },
      { name: 'signed /file', ours: `${play}/file`, theirs: `${files}/mp4/360p.mp4` },
      {
        name: '/v1/videos/:id/file?token=',
        ours: `${api.url}/v1/videos/${video.videoId}/file?token=${token}`,
        theirs: `${files}/mp4/360p.mp4`,
      },
    ];
  };

  it(`agrees on ${CASES.length} header sets for segments, init segments and the progressive file`, async () => {
    const mismatches: string[] = [];
    for (const target of targets()) {
      const [ours, theirs] = await Promise.all([
        send(target.ours, 'HEAD', {}),
        send(target.theirs, 'HEAD', {}),
      ]);
      expect(ours.status, target.name).toBe(200);
      expect(theirs.status, target.name).toBe(200);
      const vars = (a: Answer): Vars => ({
        etag: a.headers.etag!,
        lm: a.headers['last-modified']!,
        size: Number(a.headers['content-length']),
      });
      const v = { ours: vars(ours), theirs: vars(theirs) };
      expect(v.ours.size, target.name).toBe(v.theirs.size);
      expect(v.ours.lm, target.name).toBe(v.theirs.lm);
      // Files no document describes get nginx's entity tag, so both read paths validate each other's.
      if (!target.ours.includes('file')) expect(v.ours.etag, target.name).toBe(v.theirs.etag);
      for (const c of CASES) {
        const method = c.method ?? 'GET';
        const [a, b] = await Promise.all([
          send(target.ours, method, c.headers(v.ours)),
          send(target.theirs, method, c.headers(v.theirs)),
        ]);
        mismatches.push(...differences(`${target.name}, ${c.name}`, a, b, v));
        if (method === 'HEAD' && a.body.length > 0) mismatches.push(`${target.name}, ${c.name}: HEAD body`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lists only differences that exist', () => {
    const names = new Set(CASES.map((c) => c.name));
    for (const name of Object.keys(DIFFERENCES)) expect(names.has(name), name).toBe(true);
  });
});
