/**
 * Where a transcoded video's files live, relative to its folder `<orgId>/<videoId>/`. The
 * transcoder writes exactly these paths and the server serves them; both build them here.
 *
 * ```
 * hls/master.m3u8                 master playlist
 * hls/<rung>p/index.m3u8          one fMP4 VOD playlist per rung (rung = short side, e.g. 720)
 * hls/<rung>p/init.mp4            its init segment
 * hls/<rung>p/seg_00001.m4s …     its media segments (video only when the video has audio tracks)
 * hls/audio/<trackId>/index.m3u8  one AAC fMP4 VOD playlist per audio track (`a0`, `a1`, a dub's id)
 * hls/audio/<trackId>/init.mp4    its init segment
 * hls/audio/<trackId>/seg_00001.m4s …  its media segments
 * hls/subs/<captionId>.vtt        a caption's sanitised WebVTT (uploaded, or from the source)
 * mp4/<rung>p.mp4                 progressive, faststart MP4 of a middle rung
 * poster.jpg                      poster frame
 * storyboard.jpg / storyboard.vtt sprite of thumbnails and its WebVTT index (#xywh cues)
 * ```
 *
 * An audio-only video has no rungs: its master lists audio-only variants, one folder each,
 * `hls/audio/<kbps>k/` (`128k`, `64k`, laid out as an audio track's), and its progressive file is
 * `mp4/audio.m4a`; the poster is generated, and there is no storyboard.
 */
export const VIDEO_OUTPUT_PATHS = {
  hlsDir: 'hls',
  master: 'hls/master.m3u8',
  /** Captions' WebVTT: uploaded ones and those from the source side by side. */
  captionsDir: 'hls/subs',
  mp4Dir: 'mp4',
  poster: 'poster.jpg',
  storyboardImage: 'storyboard.jpg',
  storyboardVtt: 'storyboard.vtt',
} as const;

/** Folder of one rung: `hls/720p`. */
export function renditionDirPath(rung: number): string {
  return `${VIDEO_OUTPUT_PATHS.hlsDir}/${rung}p`;
}

/** Media playlist of one rung: `hls/720p/index.m3u8`. */
export function renditionPlaylistPath(rung: number): string {
  return `${renditionDirPath(rung)}/index.m3u8`;
}

/** Init segment of one rung: `hls/720p/init.mp4`. */
export function renditionInitPath(rung: number): string {
  return `${renditionDirPath(rung)}/init.mp4`;
}

/** Media segment `n` (from 1) of one rung: `hls/720p/seg_00001.m4s`. */
export function renditionSegmentPath(rung: number, n: number): string {
  return `${renditionDirPath(rung)}/seg_${String(n).padStart(5, '0')}.m4s`;
}

/** Folder of one audio track: `hls/audio/a0`. */
export function audioTrackDirPath(trackId: string): string {
  return `${VIDEO_OUTPUT_PATHS.hlsDir}/audio/${trackId}`;
}

/** Media playlist of one audio track: `hls/audio/a0/index.m3u8`. */
export function audioTrackPlaylistPath(trackId: string): string {
  return `${audioTrackDirPath(trackId)}/index.m3u8`;
}

/** A caption's WebVTT: `hls/subs/<captionId>.vtt`. */
export function captionFilePath(captionId: string): string {
  return `${VIDEO_OUTPUT_PATHS.captionsDir}/${captionId}.vtt`;
}

/** Progressive AAC file of an audio-only video. */
export const AUDIO_ONLY_M4A_PATH = `${VIDEO_OUTPUT_PATHS.mp4Dir}/audio.m4a`;

/** Id (and folder name under `hls/audio/`) of an audio-only variant at `kbps`: `128k`. */
export function audioOnlyVariantId(kbps: number): string {
  return `${kbps}k`;
}

/** Progressive MP4 of one rung: `mp4/480p.mp4`. */
export function progressiveMp4Path(rung: number): string {
  return `${VIDEO_OUTPUT_PATHS.mp4Dir}/${rung}p.mp4`;
}

/**
 * The storage key of an output path: `<orgId>/<videoId>/<path>`. The storage driver validates
 * every key it is given (no `..`, no absolute paths).
 */
export function videoOutputKey(orgId: string, videoId: string, path: string): string {
  return `${orgId}/${videoId}/${path}`;
}
