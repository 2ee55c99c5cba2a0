// A trickle of hostile traffic during the soak: malformed multipart bodies, unsatisfiable ranges,
// forged playback tokens, path traversal, and slowloris connections that send their headers a byte
// a second. Each must get a 4xx (or, for slowloris, be closed by the server) while the API keeps
// answering everyone else.
import { connect } from 'node:net';
import { bearer, type World } from './world.js';

export interface HostileFigures {
  sent: number;
  /** Answers that were not the 4xx a hostile request deserves (5xx, 2xx, no answer). */
  notRefused: number;
  slowloris: number;
  /** Slowloris connections the server closed, and the longest one it kept open (s). */
  slowlorisClosed: number;
  slowlorisLongestS: number;
}

function tamper(url: string): string {
  // /v1/play/<token>/<videoId>/...: flip a character of the token's signature.
  return url.replace(/\/v1\/play\/([^/]+)\//, (_m, token: string) => {
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    return `/v1/play/${token.slice(0, -2)}${last}${token.at(-1)}/`;
  });
}

async function oneHostile(world: World, n: number, figures: HostileFigures): Promise<void> {
  const api = world.pickApi();
  const base = world.apis[api]!;
  const video = world.pickWatchable();
  const org = video?.org ?? world.orgs[0]!;
  let res: { status: number } | undefined;
  switch (n % 4) {
    case 0:
      res = await world.rec.timed('hostile', api, `${base}/v1/videos`, {
        method: 'POST',
        headers: { ...bearer(org), 'content-type': 'multipart/form-data; boundary=soak' },
        body: '--soak\r\nContent-Disposition: form-data; name="file"; filename="x.mp4"\r\n\r\nnot a video and no closing boundary',
      });
      break;
    case 1:
    case 2: {
      if (!video) return;
      const playback = await world.rec.timed('playback', api, `${base}/v1/videos/${video.id}/playback`, {
        headers: bearer(org),
      });
      const links = playback.json as { hls?: string; mp4?: string } | undefined;
      if (!links?.hls || !links.mp4) return;
      if (n % 4 === 1)
        res = await world.rec.timed('hostile', api, links.mp4, { headers: { range: 'bytes=999999999-' } });
      else if (n % 8 === 2) res = await world.rec.timed('hostile', api, tamper(links.hls));
      else
        res = await world.rec.timed(
          'hostile',
          api,
          links.hls.replace(/[^/]+$/, '..%2f..%2f..%2fetc%2fpasswd'),
        );
      break;
    }
    default:
      res = await world.rec.timed('hostile', api, `${base}/v1/videos/${'f'.repeat(24)}`, {
        headers: { authorization: 'Bearer forged.token.value' },
      });
  }
  figures.sent += 1;
  if (!res || res.status < 400 || res.status >= 500) figures.notRefused += 1;
}

/** Opens a connection and sends a request's headers one byte a second until the server closes it. */
function slowloris(url: string, world: World, figures: HostileFigures): Promise<void> {
  const { hostname, port } = new URL(url);
  const text = `GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(600)}\r\n\r\n`;
  return new Promise((resolve) => {
    const opened = Date.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let i = 0;
    const timer = setInterval(() => {
      if (world.stopped || i >= text.length) {
        socket.destroy();
        return;
      }
      socket.write(text[i++]!);
    }, 1000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      figures.slowloris += 1;
      if (!world.stopped) {
        figures.slowlorisClosed += 1;
        figures.slowlorisLongestS = Math.max(figures.slowlorisLongestS, (Date.now() - opened) / 1000);
      }
      resolve();
    });
  });
}

/** Sends a hostile request every `everyMs` and keeps `slow` slowloris connections open until stopped. */
export function startHostile(
  world: World,
  everyMs: number,
  slow: number,
  figures: HostileFigures,
): Promise<void> {
  const trickle = (async () => {
    for (let n = 0; !world.stopped; n++) {
      await oneHostile(world, n, figures);
      await world.pause(everyMs);
    }
  })();
  const lorises = Array.from({ length: slow }, async (_, i) => {
    while (!world.stopped) {
      await slowloris(world.apis[i % world.apis.length]!, world, figures);
      await world.pause(1000);
    }
  });
  return Promise.all([trickle, ...lorises]).then(() => undefined);
}
