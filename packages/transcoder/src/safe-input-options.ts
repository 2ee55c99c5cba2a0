/**
 * Demuxers we accept (ffmpeg `-format_whitelist`): mov/mp4 (and m4a), matroska/webm, MPEG-TS,
 * MPEG-PS and AVI; for audio-only uploads MP3, WAV, FLAC and Ogg. Anything else — notably `hls` and `concat`, whose "files" are lists of other files to read,
 * and `image2`, which expands patterns — is refused by ffmpeg before it opens anything the
 * source names, whatever the file's extension says. Checked with ffmpeg 5.1: the option works as
 * an input option of both ffprobe and ffmpeg ("Format not on whitelist").
 */
export const ACCEPTED_DEMUXERS = [
  'mov',
  'mp4',
  'matroska',
  'webm',
  'mpegts',
  'mpeg',
  'avi',
  'mp3',
  'wav',
  'flac',
  'ogg',
] as const;

/**
 * Input options for every ffprobe/ffmpeg run on a source: local files only (no http, no tcp, no
 * pipes), and only the demuxers above.
 */
export const SAFE_INPUT_OPTIONS = [
  '-protocol_whitelist',
  'file',
  '-format_whitelist',
  ACCEPTED_DEMUXERS.join(','),
] as const;

/** Whether an ffprobe `format_name` (e.g. `mov,mp4,m4a,3gp,3g2,mj2`) is one of ours. */
export function isAcceptedContainer(formatName: string): boolean {
  const accepted: readonly string[] = ACCEPTED_DEMUXERS;
  return formatName.split(',').some((name) => accepted.includes(name.trim()));
}
