// A site on another origin that embeds Reelkit videos, and its tiny backend.
//
//   REELKIT_API=http://127.0.0.1:4000 REELKIT_API_KEY=rk_... REELKIT_VIDEO_ID=<id> node examples/third-party-site/server.mjs
//
// - GET /                         the page: the video with the script tag + <reelkit-player>, and
//                                 again with the npm SDK (its IIFE build, `window.Reelkit.createPlayer`)
// - GET /api/playback-token?videoId=…   the backend: mints a short-lived playback token with the
//                                 API key (which never reaches the browser), bound to this origin,
//                                 for the videos this site shows and no other
// - GET /sdk/reelkit.iife.min.js  the SDK bundle (`npm start` builds it)
// - GET /embed/reelkit-player.js  the element bundle, used only when the API does not serve it
//
// The site shows exactly the videos it is configured with (`npm start` passes the demo sample):
// an API key can read every video of its organisation, so "the newest upload" could put a private
// video on a public page.
//
// Environment: REELKIT_API, REELKIT_API_KEY, REELKIT_VIDEO_ID (required), REELKIT_SDK_VIDEO_ID
// (default: REELKIT_VIDEO_ID), HOST (127.0.0.1), PORT (5174), SITE_ORIGIN (this site's public
// origin; default http://HOST:PORT), REELKIT_SDK_BUNDLE / REELKIT_EMBED_BUNDLE (the built files;
// default: packages/player-sdk/dist and packages/embed/dist).
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const API = (process.env.REELKIT_API ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
const API_KEY = process.env.REELKIT_API_KEY ?? '';
const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 5174);
const SITE_ORIGIN = process.env.SITE_ORIGIN ?? `http://${HOST}:${PORT}`;
const SDK_FILE =
  process.env.REELKIT_SDK_BUNDLE ??
  fileURLToPath(new URL('../../packages/player-sdk/dist/reelkit.iife.min.js', import.meta.url));
const EMBED_FILE =
  process.env.REELKIT_EMBED_BUNDLE ??
  fileURLToPath(new URL('../../packages/embed/dist/reelkit-player.iife.min.js', import.meta.url));
const OBJECT_ID = /^[0-9a-f]{24}$/;
const ELEMENT_VIDEO = process.env.REELKIT_VIDEO_ID ?? '';
const SDK_VIDEO = process.env.REELKIT_SDK_VIDEO_ID || ELEMENT_VIDEO;
/** The only videos this site mints tokens for. */
const SHOWN = new Set([ELEMENT_VIDEO, SDK_VIDEO]);

if (!API_KEY.startsWith('rk_')) {
  console.error('third-party site: set REELKIT_API_KEY to an API key (rk_…) made in the dashboard');
  process.exit(1);
}
if (![...SHOWN].every((id) => OBJECT_ID.test(id))) {
  console.error('third-party site: set REELKIT_VIDEO_ID to the id of the video this site shows');
  process.exit(1);
}
// In production a missing bundle is a start-up error, not a 404 each visitor meets.
if (process.env.NODE_ENV === 'production' && !existsSync(SDK_FILE)) {
  console.error(`third-party site: ${SDK_FILE} is missing: build it with npm run build`);
  process.exit(1);
}

/** A call to the Reelkit API with the API key (server side only). */
async function reelkit(method, path, body) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok)
    throw Object.assign(new Error(json.detail ?? json.title ?? res.statusText), {
      status: res.status,
      code: json.code,
    });
  return json;
}

/** A playback token for one video, usable only from this site's origin, for 10 minutes. */
function mintToken(videoId) {
  return reelkit('POST', `/v1/videos/${encodeURIComponent(videoId)}/playback-tokens`, {
    ttlSeconds: 600,
    origins: [SITE_ORIGIN],
  });
}

/** Where the element's script comes from: the API (the normal case), else a local build. */
let embedScript = `${API}/embed/reelkit-player.js`;
async function checkEmbedScript() {
  const res = await fetch(embedScript, { method: 'HEAD' }).catch(() => null);
  if (res?.ok) return;
  if (existsSync(EMBED_FILE)) {
    console.warn(
      `third-party site: ${embedScript} is not served by the API; using the local @reelkit/embed build`,
    );
    embedScript = '/embed/reelkit-player.js';
  }
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page({ elementVideo, elementToken, sdkVideo }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>A third-party site embedding Reelkit</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.5 Georgia, serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  reelkit-player, video { width: 100%; aspect-ratio: 16 / 9; background: #000; border-radius: 6px; }
  code { font-size: 0.85em; }
  .note { color: #666; font-size: 0.9rem; }
</style>
<script src="${esc(embedScript)}" defer></script>
</head><body>
<h1>The Example Gazette</h1>
<p class="note">This page is served from <code>${esc(SITE_ORIGIN)}</code>, not from the Reelkit API
(<code>${esc(API)}</code>). Its backend minted both playback tokens with an API key.</p>

<h2>1. Script tag and &lt;reelkit-player&gt;</h2>
<reelkit-player id="element-player" video-id="${esc(elementVideo)}" token="${esc(elementToken)}" api-base="${esc(API)}"></reelkit-player>

<h2>2. The npm SDK (<code>createPlayer</code>)</h2>
<video id="sdk-player" controls playsinline muted></video>
<p class="note" id="sdk-state">loading…</p>
<script src="/sdk/reelkit.iife.min.js"></script>
<script>
  // getToken asks this site's backend, which holds the API key, for a fresh token.
  const getToken = (videoId) =>
    fetch('/api/playback-token?videoId=' + encodeURIComponent(videoId)).then((r) => {
      if (!r.ok) throw new Error('token refused: ' + r.status);
      return r.json();
    });
  const player = Reelkit.createPlayer(document.getElementById('sdk-player'), {
    videoId: ${JSON.stringify(sdkVideo)},
    apiBase: ${JSON.stringify(API)},
    getToken,
  });
  const state = document.getElementById('sdk-state');
  player.on('statechange', ({ state: s }) => (state.textContent = 'state: ' + s));
  player.on('error', ({ error }) => (state.textContent = 'error: ' + error.code));
  window.sdkPlayer = player;
</script>
</body></html>`;
}

function sendFile(res, file, type) {
  if (!existsSync(file)) {
    res
      .writeHead(404, { 'content-type': 'text/plain' })
      .end('not built: `npm start` builds it (or `npm run build`)\n');
    return;
  }
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  createReadStream(file).pipe(res);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', SITE_ORIGIN);
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (url.pathname === '/') {
      const { token } = await mintToken(ELEMENT_VIDEO);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page({ elementVideo: ELEMENT_VIDEO, elementToken: token, sdkVideo: SDK_VIDEO }));
    } else if (url.pathname === '/api/playback-token') {
      const videoId = url.searchParams.get('videoId') ?? '';
      // Only the videos on this page: the API key could mint for any video of the organisation.
      if (!SHOWN.has(videoId)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"videoId"}');
        return;
      }
      // A real site decides here whether this visitor may watch (paywall, login…).
      const { token, expiresAt } = await mintToken(videoId);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token, expiresAt }));
    } else if (url.pathname === '/sdk/reelkit.iife.min.js') {
      sendFile(res, SDK_FILE, 'text/javascript; charset=utf-8');
    } else if (url.pathname === '/embed/reelkit-player.js') {
      sendFile(res, EMBED_FILE, 'text/javascript; charset=utf-8');
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    console.error(`third-party site: ${req.url}: ${err.message}`);
    res
      .writeHead(502, { 'content-type': 'text/plain' })
      .end(`Reelkit API error: ${err.code ?? err.message}\n`);
  }
});

await checkEmbedScript();
server.listen(PORT, HOST, () => console.log(`third-party site on ${SITE_ORIGIN} (API ${API})`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
