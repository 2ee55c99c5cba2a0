import type { AudioTrack, MediaType } from './api-audio-tracks.js';
import type { CaptionKind } from './api-captions.js';
import type { VideoMetadata } from './video-metadata.js';

/** Stages a `transcode` job reports progress for, in order. */
export const TRANSCODE_STAGES = ['probe', 'thumbnails', 'transcode', 'finalize'] as const;

/** One of {@link TRANSCODE_STAGES}. */
export type TranscodeStage = (typeof TRANSCODE_STAGES)[number];

/** What a `transcode` job passes to `job.updateProgress` (at most twice a second). */
export interface TranscodeProgress {
  stage: TranscodeStage;
  /** 0–100 within the stage. */
  percent: number;
}

/** One rung of the HLS ladder as written to storage. */
export interface Rendition {
  /** The rung's name in `p`: the short side of the frame (720 for 1280×720 and for 720×1280). */
  rung: number;
  width: number;
  height: number;
  /** Peak segment bitrate in bits/s (HLS `BANDWIDTH`), measured on the written segments. */
  bandwidth: number;
  /** Mean bitrate in bits/s (HLS `AVERAGE-BANDWIDTH`). */
  averageBandwidth: number;
  /** RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2` (no `mp4a` for a silent source). */
  codecs: string;
  frameRate: number;
  /** Storage key of the rung's media playlist. */
  playlistKey: string;
}

/**
 * One audio rendition as written to storage (`hls/audio/<id>/`): AAC-LC stereo 48 kHz, an
 * `EXT-X-MEDIA:TYPE=AUDIO` of the master's `audio` group.
 */
export interface AudioRendition extends AudioTrack {
  /** Peak segment bitrate in bits/s, measured on the written segments. */
  bandwidth: number;
  /** Mean bitrate in bits/s. */
  averageBandwidth: number;
  /** RFC 6381 codec, `mp4a.40.2`. */
  codecs: string;
  /** Storage key of the rendition's media playlist. */
  playlistKey: string;
}

/**
 * A caption taken from a text subtitle stream of the source (SubRip, mov_text, WebVTT, ASS/SSA),
 * sanitised like an uploaded one and written to storage as `hls/subs/<id>.vtt`. The server records
 * it as a caption with `source: 'source'`.
 */
export interface SourceCaption {
  /**
   * 24 hex digits, the caption's id: derived from the video id and the stream's index, so a
   * re-transcode of the same source writes the same files and replaces the same captions.
   */
  id: string;
  /** ffprobe's absolute index of the subtitle stream. */
  streamIndex: number;
  /** ffprobe's codec name (`subrip`, `mov_text`, `webvtt`, `ass`, `ssa`). */
  codec: string;
  /** BCP 47 from the stream's language tag; `und` when it has none. */
  language: string;
  /** The title tag, else the language's name; unique among the source's captions. */
  label: string;
  kind: CaptionKind;
  /** From the stream's `default` disposition; at most one is. */
  default: boolean;
  /** The stream's `forced` disposition (foreign-dialogue-only subtitles); the label says so. */
  forced: boolean;
  /** Storage key of the sanitised WebVTT. */
  key: string;
  /** End of the last cue, in milliseconds. */
  endMs: number;
}

/** Sensitivity labels: score ≥ 70 `safe`, 40–69 `review`, < 40 `flagged`. */
export const SENSITIVITY_LABELS = ['safe', 'review', 'flagged'] as const;
export type SensitivityLabel = (typeof SENSITIVITY_LABELS)[number];

/** Why points were taken off the sensitivity score. */
export const SENSITIVITY_REASON_CODES = [
  'filename_keyword',
  'size_out_of_range',
  'missing_stream',
  'duration_out_of_range',
  'nonstandard_format',
] as const;
export type SensitivityReasonCode = (typeof SENSITIVITY_REASON_CODES)[number];

/** One deduction from the sensitivity score. */
export interface SensitivityReason {
  code: SensitivityReasonCode;
  message: string;
  /** Points taken off (positive). */
  penalty: number;
}

/** The heuristic sensitivity score of a source, with every reason that lowered it. */
export interface SensitivityResult {
  /** 0–100, starting at 100. */
  score: number;
  label: SensitivityLabel;
  reasons: SensitivityReason[];
}

/** The thumbnail sprite and its WebVTT index. */
export interface StoryboardResult {
  imageKey: string;
  vttKey: string;
  /** Seconds between thumbnails. */
  interval: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * What a completed `transcode` job returns. BullMQ keeps it in Redis as the job's `returnvalue`
 * (until `removeOnComplete` ages it out), so the server can apply it to the video document whenever
 * it sees the job completed, including after a restart.
 */
export interface TranscodeResult {
  metadata: VideoMetadata;
  /**
   * Highest rung first. Video-only streams when there are {@link audioTracks}, but `codecs` and
   * `bandwidth` count the audio as the master playlist's variants do.
   */
  renditions: Rendition[];
  /** The audio group, the default track first; empty for a silent source. Absent in results of older workers. */
  audioTracks?: AudioRendition[];
  /**
   * Captions from the source's text subtitle streams. Absent in results of older workers, which
   * then leave a video's captions as they are.
   */
  captions?: SourceCaption[];
  /**
   * `audio` for an audio-only source: then `renditions` and `audioTracks` are empty, the master
   * lists audio-only variants (`hls/audio/<kbps>k/`), `mp4Key` is an `.m4a` and the poster is a
   * generated one. Absent (meaning `video`) in results of older workers.
   */
  mediaType?: MediaType;
  masterKey: string;
  mp4Key: string;
  posterKey: string;
  /** Null for an audio-only source (nothing to show on the seek bar). */
  storyboard: StoryboardResult | null;
  sensitivity: SensitivityResult;
  /** Milliseconds spent per stage, and in total. */
  durations: Record<TranscodeStage | 'total', number>;
}
