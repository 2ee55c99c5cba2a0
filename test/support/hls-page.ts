// A page on another origin that plays a master playlist with bare hls.js in Chromium, as a
// customer's own player would: how far it got, and the first fatal hls.js error if any.
import { createRequire } from 'node:module';
import { launchBrowser, serveSite, type StaticSite, type TestBrowser } from './browser.js';

/** The page that plays `master` with hls.js from `/hls.min.js` (muted), `setup` run before loading. */
export function hlsJsPageHtml(master: string, setup = ''): string {
  return `<!doctype html><meta charset="utf-8"><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  const v = document.getElementById('v');
  const hls = new Hls();
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (_e, d) => d.fatal && (window.fatal = d.details));
  ${setup}
  hls.loadSource(${JSON.stringify(master)});
  hls.attachMedia(v);
  v.play();
</script>`;
}

/** hls.js's bundle, as the pages above load it. */
export const HLS_JS_FILE = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

/**
 * Serves `hlsJsPageHtml(master, setup)` at `/` with hls.js beside it.
 */
export function serveHlsJsPage(master: string, setup = ''): Promise<StaticSite> {
  return serveSite({ '/': hlsJsPageHtml(master, setup) }, { '/hls.min.js': HLS_JS_FILE });
}

export interface HlsPlayback {
  /** The first fatal hls.js error's details, if playback failed. */
  fatal: string | undefined;
  /** Fragments hls.js loaded. */
  fragments: number;
  /** The video's currentTime when playback passed `seconds` (or failed). */
  time: number;
}

/**
 * Serves a page that plays `master` with hls.js, opens it in Chromium and waits (up to 90 s) for
 * playback to pass `seconds` or for a fatal error. The site and browser are returned for the
 * caller to close (the browser's logs explain a fatal error); on a timeout they are closed here.
 */
export async function playWithHlsJs(
  master: string,
  seconds = 2,
): Promise<{ site: StaticSite; browser: TestBrowser; result: HlsPlayback }> {
  const site = await serveHlsJsPage(
    master,
    `window.fragments = 0;
  hls.on(Hls.Events.FRAG_LOADED, () => window.fragments++);`,
  );
  const browser = await launchBrowser();
  const page = await browser.open(`${site.url}/`);
  await page
    .waitForFunction(
      (s) => (document.getElementById('v') as HTMLVideoElement).currentTime > s || 'fatal' in window,
      seconds,
      { timeout: 90_000 },
    )
    .catch(async (err: unknown) => {
      const logs = browser.logs.join('\n');
      await browser.close();
      await site.close();
      throw new Error(`${(err as Error).message}\n${logs}`);
    });
  const result = await page.evaluate(() => ({
    fatal: (window as unknown as { fatal?: string }).fatal,
    fragments: (window as unknown as { fragments: number }).fragments,
    time: (document.getElementById('v') as HTMLVideoElement).currentTime,
  }));
  return { site, browser, result };
}
