/** How a player plays: hls.js over MSE, the browser's own HLS, or a progressive MP4 file. */
export type PlaybackEngine = 'hls.js' | 'native-hls' | 'mp4';

/** What the browser can do, as far as choosing an engine goes. */
export interface PlaybackCapabilities {
  /** `MediaSource` or `ManagedMediaSource` exists (hls.js can run). */
  mse: boolean;
  /** `Hls.isSupported()` once hls.js is loaded; undefined before. */
  hlsJsSupported?: boolean | undefined;
  /** `video.canPlayType('application/vnd.apple.mpegurl')`: '', 'maybe' or 'probably'. */
  nativeHls: string;
  /** `video.canPlayType('video/mp4')`. */
  mp4: string;
}

/** Which sources a video has. */
export interface AvailableSources {
  hls: boolean;
  mp4: boolean;
}

/**
 * The engines to try, best first. hls.js wherever MSE (or Apple's ManagedMediaSource) exists — it
 * gives quality control and token rewriting — even if the browser also claims native HLS (Chromium
 * answers "maybe" to HLS `canPlayType` without playing it well); native HLS only where MSE is
 * absent (iPhone Safari before 17.1); the progressive MP4 last.
 */
export function chooseEngines(caps: PlaybackCapabilities, sources: AvailableSources): PlaybackEngine[] {
  const engines: PlaybackEngine[] = [];
  if (sources.hls) {
    if (caps.mse && caps.hlsJsSupported !== false) engines.push('hls.js');
    else if (!caps.mse && caps.nativeHls !== '') engines.push('native-hls');
  }
  if (sources.mp4 && caps.mp4 !== '') engines.push('mp4');
  return engines;
}

/** Reads {@link PlaybackCapabilities} from the browser (`hlsJsSupported` stays unknown). */
export function detectCapabilities(video: HTMLVideoElement): PlaybackCapabilities {
  const w = globalThis as {
    MediaSource?: unknown;
    ManagedMediaSource?: unknown;
    WebKitMediaSource?: unknown;
  };
  return {
    mse: Boolean(w.MediaSource || w.ManagedMediaSource || w.WebKitMediaSource),
    nativeHls: video.canPlayType('application/vnd.apple.mpegurl'),
    mp4: video.canPlayType('video/mp4'),
  };
}
