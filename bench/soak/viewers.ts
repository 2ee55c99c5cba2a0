// Viewers of the soak: HLS sessions at playback pace through signed URLs (master, a variant and
// its audio rendition, init, then a segment every segment-duration, with an occasional seek), and
// progressive readers taking random 256 KiB ranges of `/file`. Each session lasts a bounded
// number of segments, then starts over on another video through the next API.
import { bearer, type World } from './world.js';

export interface MediaPlaylist {
  init?: string;
  segments: { url: string; duration: number }[];
}

/** The URIs a master playlist names: variant playlists and EXT-X-MEDIA renditions, absolute. */
export function masterUris(text: string, base: string): { variants: string[]; audio: string[] } {
  const variants: string[] = [];
  const audio: string[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  lines.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const next = lines[i + 1];
      if (next && !next.startsWith('#')) variants.push(new URL(next, base).href);
    } else if (line.startsWith('#EXT-X-MEDIA:') && line.includes('TYPE=AUDIO')) {
      const uri = /URI="([^"]+)"/.exec(line)?.[1];
      if (uri) audio.push(new URL(uri, base).href);
    }
  });
  return { variants, audio };
}

/** A media playlist's init segment and segments, absolute. */
export function mediaPlaylist(text: string, base: string): MediaPlaylist {
  const out: MediaPlaylist = { segments: [] };
  let duration = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MAP:')) {
      const uri = /URI="([^"]+)"/.exec(line)?.[1];
      if (uri) out.init = new URL(uri, base).href;
    } else if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice(8));
    } else if (line && !line.startsWith('#')) {
      out.segments.push({ url: new URL(line, base).href, duration });
    }
  }
  return out;
}

const SEGMENTS_PER_SESSION = 12;

/**
 * A watchable video's signed links through the next API, or undefined (after a pause, so a loop
 * that gets none does not spin) when there is none yet or the API did not give them.
 */
async function playbackLinks(world: World): Promise<{ api: number; hls?: string; mp4?: string } | undefined> {
  const video = world.pickWatchable();
  if (!video) {
    await world.pause(1000);
    return undefined;
  }
  const api = world.pickApi();
  const playback = await world.rec.timed(
    'playback',
    api,
    `${world.apis[api]}/v1/videos/${video.id}/playback`,
    {
      headers: bearer(video.org),
    },
  );
  if (playback.status === 200) return { api, ...(playback.json as { hls?: string; mp4?: string }) };
  await world.pause(500);
  return undefined;
}

async function viewOnce(world: World): Promise<void> {
  const links = await playbackLinks(world);
  if (!links?.hls) return;
  const { api, hls } = links;
  const { rec } = world;
  const master = await rec.timed('playlist', api, hls);
  if (master.status !== 200) return void (await world.pause(500));
  const uris = masterUris(master.body.toString('utf8'), hls);
  const variant = uris.variants[Math.floor(Math.random() * uris.variants.length)];
  if (!variant) return void (await world.pause(500));
  const playlists: MediaPlaylist[] = [];
  for (const uri of [variant, ...uris.audio.slice(0, 1)]) {
    const res = await rec.timed('playlist', api, uri);
    if (res.status !== 200) return void (await world.pause(500));
    playlists.push(mediaPlaylist(res.body.toString('utf8'), uri));
  }
  for (const p of playlists) if (p.init) await rec.timed('segment', api, p.init);
  const count = Math.min(...playlists.map((p) => p.segments.length));
  let index = 0;
  for (let n = 0; n < SEGMENTS_PER_SESSION && !world.stopped && count > 0; n++) {
    // One seek in ten: jump to a random segment, as a viewer scrubbing does.
    if (Math.random() < 0.1) index = Math.floor(Math.random() * count);
    const started = Date.now();
    for (const p of playlists) await rec.timed('segment', api, p.segments[index % count]!.url);
    const pace = (playlists[0]!.segments[index % count]!.duration || 2) * 1000;
    index += 1;
    await world.pause(Math.max(0, pace - (Date.now() - started)));
  }
}

async function rangeOnce(world: World): Promise<void> {
  const links = await playbackLinks(world);
  if (!links?.mp4) return;
  const { api, mp4 } = links;
  const { rec } = world;
  for (let n = 0; n < 8 && !world.stopped; n++) {
    const head = await rec.timed('range', api, mp4, { headers: { range: 'bytes=0-1023' } });
    const total = Number(/\/(\d+)$/.exec(head.headers?.get('content-range') ?? '')?.[1] ?? 0);
    if (head.status !== 206 || total === 0) break;
    const start = Math.floor(Math.random() * Math.max(1, total - 262_144));
    await rec.timed('range', api, mp4, { headers: { range: `bytes=${start}-${start + 262_143}` } });
    await world.pause(500);
  }
}

async function loop(world: World, once: (w: World) => Promise<void>): Promise<void> {
  while (!world.stopped) await once(world);
}

/** Runs `viewers` HLS sessions and `readers` range readers until the world stops. */
export function startViewers(world: World, viewers: number, readers: number): Promise<void> {
  return Promise.all([
    ...Array.from({ length: viewers }, () => loop(world, viewOnce)),
    ...Array.from({ length: readers }, () => loop(world, rangeOnce)),
  ]).then(() => undefined);
}
