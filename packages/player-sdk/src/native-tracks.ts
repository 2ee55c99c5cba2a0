import {
  nativeAudioTrackOf,
  nativeTextTrackOf,
  shownKinds,
  switcherOf,
  type EmitTrackEvent,
  type TrackSwitcher,
} from './media-tracks.js';

/** Safari's `AudioTrack` (not in every DOM typing, absent from Chromium without a flag). */
interface NativeAudioTrack {
  id: string;
  kind: string;
  language: string;
  label: string;
  enabled: boolean;
}
type NativeAudioTrackList = EventTarget & ArrayLike<NativeAudioTrack>;

/**
 * The media element's own track lists as a {@link TrackSwitcher}, for native HLS (Safari exposes
 * the playlist's renditions as `textTracks` and `audioTracks`) and progressive MP4. Where the
 * browser has no `audioTracks`, the audio list is empty.
 */
export function nativeTracks(video: HTMLVideoElement, emit: EmitTrackEvent): TrackSwitcher {
  const textList = video.textTracks;
  const audioList = (video as { audioTracks?: NativeAudioTrackList }).audioTracks;
  const texts = () => [...textList].filter(shownKinds);
  const audios = () => (audioList ? Array.from(audioList) : []);
  const text = () => texts().map(nativeTextTrackOf);
  const audio = () => audios().map(nativeAudioTrackOf);
  const textTrack = () => texts().findIndex((t) => t.mode === 'showing');
  const audioTrack = () => audios().findIndex((t) => t.enabled);
  let shown = textTrack();
  const onTextList = () => emit('texttrackschange', { tracks: text() });
  const onTextChange = () => {
    const now = textTrack();
    if (now === shown) return;
    shown = now;
    emit('texttrackchange', { track: text()[now] });
  };
  const onAudioList = () => emit('audiotrackschange', { tracks: audio() });
  const onAudioChange = () => emit('audiotrackchange', { track: audio()[audioTrack()] });
  const listeners: Array<[EventTarget, string, () => void]> = [
    [textList, 'addtrack', onTextList],
    [textList, 'removetrack', onTextList],
    [textList, 'change', onTextChange],
  ];
  if (audioList)
    listeners.push(
      [audioList, 'addtrack', onAudioList],
      [audioList, 'removetrack', onAudioList],
      [audioList, 'change', onAudioChange],
    );
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn);
  // Tracks already known (a `<track>`, or a source that loaded before this chunk): told once the
  // player holds the switcher, so a listener can already select one.
  queueMicrotask(() => {
    if (textList.length) onTextList();
    if (audioList?.length) onAudioList();
  });
  return switcherOf({
    textTracks: text,
    textTrack,
    audioTracks: audio,
    audioTrack,
    showText(index) {
      texts().forEach((t, i) => {
        t.mode = i === index ? 'showing' : 'disabled';
      });
    },
    hearAudio(index) {
      audios().forEach((t, i) => {
        t.enabled = i === index;
      });
    },
    destroy() {
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn);
    },
  });
}
