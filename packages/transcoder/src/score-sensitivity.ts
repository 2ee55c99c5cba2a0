import type {
  SensitivityLabel,
  SensitivityReason,
  SensitivityResult,
  VideoMetadata,
} from '@reelkit/protocol';

/** The configurable part of the sensitivity score (SENSITIVITY_* variables). */
export interface SensitivityRules {
  /** Lower-case words that flag a file name (matched against its words, not substrings). */
  keywords: readonly string[];
  minBytes: number;
  maxBytes: number;
  minDurationS: number;
  maxDurationS: number;
}

/** Points taken off per reason; each reason counts once. */
export const SENSITIVITY_PENALTIES = {
  filename_keyword: 15,
  size_out_of_range: 10,
  missing_stream: 15,
  duration_out_of_range: 10,
  nonstandard_format: 15,
} as const;

/** Containers and codecs a browser plays as they are; anything else is "non-standard". */
const STANDARD_CONTAINERS = ['mov', 'mp4', 'webm', 'matroska', 'mp3', 'ogg', 'flac', 'wav'];
const STANDARD_VIDEO_CODECS = ['h264', 'hevc', 'vp8', 'vp9', 'av1'];
const STANDARD_AUDIO_CODECS = ['aac', 'mp3', 'opus', 'vorbis', 'flac', 'pcm_s16le'];

/** `safe` from 70, `review` from 40, `flagged` below. */
export function sensitivityLabel(score: number): SensitivityLabel {
  return score >= 70 ? 'safe' : score >= 40 ? 'review' : 'flagged';
}

/** The words of a file name: `My_NSFW-clip.final.mp4` → `my nsfw clip final mp4`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The heuristic sensitivity score of a source. Starts at 100 and takes off: 15 when a word of the
 * original file name is a flagged keyword; 10 when the file size is below `minBytes` or above
 * `maxBytes`; 15 when the video or the audio stream is missing; 10 when the duration is below
 * `minDurationS` or above `maxDurationS`; 15 when the container or a codec is not a standard web
 * one (mp4/mov/webm/mkv; H.264/HEVC/VP8/VP9/AV1; AAC/MP3/Opus/Vorbis). ≥ 70 is `safe`, 40–69
 * `review`, < 40 `flagged`. Every deduction is returned as a reason.
 */
export function scoreSensitivity(
  input: { originalName?: string | undefined; sizeBytes: number | null; metadata: VideoMetadata },
  rules: SensitivityRules,
): SensitivityResult {
  const { metadata: m } = input;
  const reasons: SensitivityReason[] = [];
  const take = (code: SensitivityReason['code'], message: string) =>
    reasons.push({ code, message, penalty: SENSITIVITY_PENALTIES[code] });

  if (input.originalName) {
    const keywords = new Set(rules.keywords.map((k) => k.toLowerCase()));
    const hits = [...new Set(words(input.originalName).filter((w) => keywords.has(w)))];
    if (hits.length) take('filename_keyword', `file name contains flagged keyword(s): ${hits.join(', ')}`);
  }
  const size = input.sizeBytes ?? m.sizeBytes;
  if (size !== null && size < rules.minBytes)
    take('size_out_of_range', `file is smaller than ${rules.minBytes} bytes`);
  else if (size !== null && size > rules.maxBytes)
    take('size_out_of_range', `file is larger than ${rules.maxBytes} bytes`);
  // An audio-only asset is meant to have no picture.
  const missing = [m.hasVideo || m.hasAudio ? null : 'video', m.hasAudio ? null : 'audio'].filter(Boolean);
  if (missing.length) take('missing_stream', `no ${missing.join(' or ')} stream`);
  if (m.duration < rules.minDurationS) take('duration_out_of_range', `shorter than ${rules.minDurationS} s`);
  else if (m.duration > rules.maxDurationS)
    take('duration_out_of_range', `longer than ${rules.maxDurationS} s`);
  const odd = [
    m.container.split(',').some((c) => STANDARD_CONTAINERS.includes(c)) ? null : `container ${m.container}`,
    m.videoCodec && !STANDARD_VIDEO_CODECS.includes(m.videoCodec) ? `video codec ${m.videoCodec}` : null,
    m.audioCodec && !STANDARD_AUDIO_CODECS.includes(m.audioCodec) ? `audio codec ${m.audioCodec}` : null,
  ].filter(Boolean);
  if (odd.length) take('nonstandard_format', `non-standard ${odd.join(', ')}`);

  const score = Math.max(0, 100 - reasons.reduce((a, r) => a + r.penalty, 0));
  return { score, label: sensitivityLabel(score), reasons };
}
