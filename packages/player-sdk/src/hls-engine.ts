import Hls, { type HlsConfig } from 'hls.js';
import { createTokenLoader, type TokenSource } from './hls-token-loader.js';
import {
  audioTrackOf,
  switcherOf,
  textTrackOf,
  type EmitTrackEvent,
  type TrackSwitcher,
} from './media-tracks.js';
import { ReelkitError } from './reelkit-error.js';

/** hls.js settings for video on demand: quality capped to the element's size, no low-latency mode. */
export const HLS_VOD_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: false,
  capLevelToPlayerSize: true,
  // A broadband guess for the first segment (hls.js assumes 500 kbit/s), then measured.
  abrEwmaDefaultEstimate: 2_000_000,
  startFragPrefetch: true,
  maxBufferLength: 30,
  maxMaxBufferLength: 120,
  backBufferLength: 30,
};

/** What the player hands the hls.js engine. */
export interface HlsEngineHost {
  video: HTMLVideoElement;
  url: string;
  tokens: TokenSource;
  startLevel?: number | 'auto' | undefined;
  hlsConfig?: Partial<HlsConfig> | undefined;
  onLevelSwitched(index: number, auto: boolean): void;
  /** A non-fatal error, or a fatal one (`fatal`) after recovery failed. */
  onError(error: ReelkitError, fatal: boolean): void;
}

/**
 * Starts hls.js on the element with the SDK's VOD settings and token-rewriting loader, or returns
 * undefined when hls.js cannot run here. Fatal media errors are recovered twice, a fatal 403 once
 * (after a token renewal); anything else is reported as fatal.
 */
export function startHls(host: HlsEngineHost): Hls | undefined {
  if (!Hls.isSupported()) return undefined;
  const { tokens, startLevel } = host;
  const hls = new Hls({
    ...HLS_VOD_CONFIG,
    ...(typeof startLevel === 'number' ? { startLevel } : {}),
    ...host.hlsConfig,
    loader: createTokenLoader(host.hlsConfig?.loader ?? Hls.DefaultConfig.loader, tokens),
  });
  let mediaRecoveries = 0;
  let tokenRecoveries = 0;
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => host.onLevelSwitched(data.level, hls.autoLevelEnabled));
  hls.on(Hls.Events.FRAG_LOADED, () => {
    tokenRecoveries = 0;
  });
  hls.on(Hls.Events.ERROR, (_e, data) => {
    if (!data.fatal) return;
    const status = data.response?.code ?? 0;
    const isNetwork = data.type === Hls.ErrorTypes.NETWORK_ERROR;
    const code: ReelkitError['code'] =
      status === 403
        ? 'playback_token_expired'
        : status === 404
          ? 'not_found'
          : isNetwork
            ? 'network_error'
            : 'media_error';
    const error = new ReelkitError(code, `${data.type}: ${data.details}`, status, undefined, {
      cause: data.error,
    });
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ < 2) {
      host.onError(error, false);
      hls.recoverMediaError();
      return;
    }
    if (isNetwork && status === 403 && tokenRecoveries++ < 1 && tokens.canRenew) {
      host.onError(error, false);
      tokens.renew().then(
        () => hls.startLoad(host.video.currentTime || -1),
        (err: unknown) => host.onError(ReelkitError.from(err), true),
      );
      return;
    }
    host.onError(error, true);
  });
  hls.attachMedia(host.video);
  hls.loadSource(host.url);
  return hls;
}

/**
 * hls.js's subtitle and audio renditions as a {@link TrackSwitcher}: lists from `subtitleTracks` /
 * `audioTracks`, selection through `subtitleTrack` and `nextAudioTrack` (which switches at the next
 * fragment instead of flushing the buffer, so playback does not stall), events re-emitted.
 */
export function hlsTracks(hls: Hls, emit: EmitTrackEvent): TrackSwitcher {
  const text = () => hls.subtitleTracks.map(textTrackOf);
  const audio = () => hls.audioTracks.map(audioTrackOf);
  // hls.js selects its default track right after announcing a new list: told a task later, a
  // listener's own choice (a remembered language) comes after hls.js's and stands.
  const onText = () => queueMicrotask(() => emit('texttrackschange', { tracks: text() }));
  const onTextSwitch = () => emit('texttrackchange', { track: text()[hls.subtitleTrack] });
  const onAudio = () => queueMicrotask(() => emit('audiotrackschange', { tracks: audio() }));
  const onAudioSwitch = () => emit('audiotrackchange', { track: audio()[hls.audioTrack] });
  const E = Hls.Events;
  hls.on(E.SUBTITLE_TRACKS_UPDATED, onText);
  hls.on(E.SUBTITLE_TRACKS_CLEARED, onText);
  hls.on(E.SUBTITLE_TRACK_SWITCH, onTextSwitch);
  hls.on(E.AUDIO_TRACKS_UPDATED, onAudio);
  hls.on(E.AUDIO_TRACK_SWITCHED, onAudioSwitch);
  return switcherOf({
    textTracks: text,
    textTrack: () => hls.subtitleTrack,
    audioTracks: audio,
    audioTrack: () => hls.audioTrack,
    showText(index) {
      hls.subtitleDisplay = index >= 0;
      hls.subtitleTrack = index;
    },
    hearAudio(index) {
      if (index === hls.audioTrack) return;
      // Nothing buffered yet (a remembered language applied at load): switch outright.
      if (hls.media?.buffered.length) hls.nextAudioTrack = index;
      else hls.audioTrack = index;
    },
    destroy() {
      hls.off(E.SUBTITLE_TRACKS_UPDATED, onText);
      hls.off(E.SUBTITLE_TRACKS_CLEARED, onText);
      hls.off(E.SUBTITLE_TRACK_SWITCH, onTextSwitch);
      hls.off(E.AUDIO_TRACKS_UPDATED, onAudio);
      hls.off(E.AUDIO_TRACK_SWITCHED, onAudioSwitch);
    },
  });
}
