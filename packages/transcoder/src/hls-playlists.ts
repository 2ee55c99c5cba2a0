// HLS text in and out: the master and media playlists we write ourselves (the media playlists from
// the segments ffmpeg wrote, see write-media-playlist.ts), and media playlists read back to measure them.

/** One `#EXT-X-STREAM-INF` entry. */
export interface MasterVariant {
  /** URI relative to the master playlist, e.g. `720p/index.m3u8`. */
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  codecs: string;
  frameRate: number;
}

/** One `#EXT-X-MEDIA:TYPE=AUDIO` rendition of the {@link AUDIO_GROUP_ID} group. */
export interface MasterAudioRendition {
  /** URI relative to the master playlist, e.g. `audio/a0/index.m3u8`. */
  uri: string;
  name: string;
  /** BCP 47, or null to leave `LANGUAGE` out. */
  language: string | null;
  default: boolean;
  channels: number;
}

/** `GROUP-ID` of the audio renditions, referenced by every variant's `AUDIO=`. */
export const AUDIO_GROUP_ID = 'audio';

/** A quoted-string attribute value (RFC 8216 4.2): no double quote, CR or LF inside. */
export function quotedString(value: string): string {
  return `"${value.replace(/["\r\n]/g, (c) => (c === '"' ? "'" : ' '))}"`;
}

/** The `#EXT-X-MEDIA:TYPE=AUDIO` line of one rendition. */
export function audioMediaLine(a: MasterAudioRendition): string {
  const attrs = [
    'TYPE=AUDIO',
    `GROUP-ID="${AUDIO_GROUP_ID}"`,
    ...(a.language ? [`LANGUAGE=${quotedString(a.language)}`] : []),
    `NAME=${quotedString(a.name)}`,
    `DEFAULT=${a.default ? 'YES' : 'NO'}`,
    'AUTOSELECT=YES',
    `CHANNELS="${a.channels}"`,
    `URI=${quotedString(a.uri)}`,
  ];
  return `#EXT-X-MEDIA:${attrs.join(',')}`;
}

/**
 * The master playlist (RFC 8216 4.3.4.2), highest variant first, each with BANDWIDTH,
 * AVERAGE-BANDWIDTH, RESOLUTION, CODECS and FRAME-RATE. Keyframes are aligned and every segment
 * starts with one, hence EXT-X-INDEPENDENT-SEGMENTS. With audio renditions, they come first as
 * the `audio` group and every (video-only) variant names it with `AUDIO="audio"`; the variants'
 * BANDWIDTH and CODECS must then already count the audio (see `withAudio`).
 */
export function buildMasterPlaylist(
  variants: readonly MasterVariant[],
  audio: readonly MasterAudioRendition[] = [],
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  lines.push(...audio.map(audioMediaLine));
  const sorted = [...variants].sort((a, b) => b.bandwidth - a.bandwidth);
  for (const v of sorted) {
    const attrs = [
      `BANDWIDTH=${Math.ceil(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.ceil(v.averageBandwidth)}`,
      `RESOLUTION=${v.width}x${v.height}`,
      `CODECS="${v.codecs}"`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
      ...(audio.length > 0 ? [`AUDIO="${AUDIO_GROUP_ID}"`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return lines.join('\n') + '\n';
}

/** One audio-only `#EXT-X-STREAM-INF` entry (an audio-only video's ladder). */
export interface AudioOnlyVariant {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

/**
 * The master playlist of an audio-only video: one variant per bitrate, highest first, with
 * BANDWIDTH, AVERAGE-BANDWIDTH and CODECS only (RFC 8216 4.3.4.2: RESOLUTION and FRAME-RATE are
 * for variants with video).
 */
export function buildAudioOnlyMasterPlaylist(variants: readonly AudioOnlyVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => b.bandwidth - a.bandwidth)) {
    const attrs = [
      `BANDWIDTH=${Math.ceil(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.ceil(v.averageBandwidth)}`,
      `CODECS="${v.codecs}"`,
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return lines.join('\n') + '\n';
}

/**
 * A video-only variant's bandwidths and codecs with its audio group counted (RFC 8216 4.3.4.2:
 * BANDWIDTH covers the highest-bandwidth rendition of the group; the same for the average here).
 */
export function withAudio<T extends { bandwidth: number; averageBandwidth: number; codecs: string }>(
  variant: T,
  audio: ReadonlyArray<{ bandwidth: number; averageBandwidth: number; codecs: string }>,
): T {
  if (audio.length === 0) return variant;
  const codecs = [variant.codecs, ...new Set(audio.map((a) => a.codecs))].join(',');
  return {
    ...variant,
    bandwidth: variant.bandwidth + Math.max(...audio.map((a) => a.bandwidth)),
    averageBandwidth: variant.averageBandwidth + Math.max(...audio.map((a) => a.averageBandwidth)),
    codecs,
  };
}

/** A media playlist as we need it. */
export interface MediaPlaylist {
  targetDuration: number | null;
  /** URI of `#EXT-X-MAP` (the init segment), if any. */
  initUri: string | null;
  segments: Array<{ uri: string; duration: number }>;
  /** Whether `#EXT-X-ENDLIST` is present (a finished VOD playlist). */
  ended: boolean;
  playlistType: string | null;
}

/** Parses a media playlist; throws on text that is not one. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist: no #EXTM3U');
  const out: MediaPlaylist = {
    targetDuration: null,
    initUri: null,
    segments: [],
    ended: false,
    playlistType: null,
  };
  let pending: number | null = null;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (line.startsWith('#EXTINF:')) {
      const d = Number(line.slice(8).split(',')[0]);
      if (!Number.isFinite(d) || d < 0) throw new Error(`bad #EXTINF: ${line}`);
      pending = d;
    } else if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      out.targetDuration = Number(line.slice(22));
    } else if (line.startsWith('#EXT-X-MAP:')) {
      out.initUri = /URI="([^"]*)"/.exec(line)?.[1] ?? null;
    } else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:')) {
      out.playlistType = line.slice(21);
    } else if (line === '#EXT-X-ENDLIST') {
      out.ended = true;
    } else if (!line.startsWith('#')) {
      if (pending === null) throw new Error(`segment without #EXTINF: ${line}`);
      out.segments.push({ uri: line, duration: pending });
      pending = null;
    }
  }
  return out;
}

/**
 * HLS bandwidths of a rung from its segments' sizes and durations: BANDWIDTH is the peak segment
 * bitrate, AVERAGE-BANDWIDTH the whole rung's bitrate (RFC 8216 4.3.4.2), both in bits/s and
 * rounded up. Segments shorter than half the longest are left out of the peak: ffmpeg's short last
 * segment would otherwise overstate it.
 */
export function measureBandwidth(segments: ReadonlyArray<{ duration: number; bytes: number }>): {
  bandwidth: number;
  averageBandwidth: number;
} {
  const total = segments.reduce((a, s) => ({ d: a.d + s.duration, b: a.b + s.bytes }), { d: 0, b: 0 });
  if (total.d <= 0) return { bandwidth: 0, averageBandwidth: 0 };
  const longest = Math.max(...segments.map((s) => s.duration));
  const peak = Math.max(
    ...segments
      .filter((s) => s.duration >= longest / 2 && s.duration > 0)
      .map((s) => (s.bytes * 8) / s.duration),
  );
  const averageBandwidth = Math.ceil((total.b * 8) / total.d);
  return { bandwidth: Math.max(Math.ceil(peak), averageBandwidth), averageBandwidth };
}

/** What {@link buildMediaPlaylist} writes. */
export interface MediaPlaylistInput {
  /** URI of the init segment (`#EXT-X-MAP`). */
  initUri: string;
  /** Every segment in order, with its duration in seconds. */
  segments: ReadonlyArray<{ uri: string; duration: number }>;
  /** `#EXT-X-MEDIA-SEQUENCE`: the number of the first segment. */
  mediaSequence: number;
  /** Whether to write `#EXT-X-INDEPENDENT-SEGMENTS` (ffmpeg writes it for video outputs only). */
  independentSegments: boolean;
}

/** An EXTINF duration as written: six decimals, as ffmpeg writes them. */
export const formatExtinf = (seconds: number): string => seconds.toFixed(6);

/**
 * A finished fMP4 VOD media playlist (RFC 8216 4.3), in the shape ffmpeg's HLS muxer writes one
 * with `hls_playlist_type vod`. EXT-X-TARGETDURATION is the longest EXTINF rounded to the nearest
 * integer (4.3.3.1: every EXTINF so rounded must be at most it), at least 1.
 */
export function buildMediaPlaylist(input: MediaPlaylistInput): string {
  if (input.segments.length === 0) throw new Error('a media playlist needs at least one segment');
  const extinfs = input.segments.map((s) => {
    if (!Number.isFinite(s.duration) || s.duration < 0) throw new Error(`bad segment duration ${s.duration}`);
    if (/[\r\n]/.test(s.uri) || s.uri.startsWith('#')) throw new Error(`bad segment uri ${s.uri}`);
    return formatExtinf(s.duration);
  });
  const target = Math.max(1, ...extinfs.map((d) => Math.round(Number(d))));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${input.mediaSequence}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    ...(input.independentSegments ? ['#EXT-X-INDEPENDENT-SEGMENTS'] : []),
    `#EXT-X-MAP:URI=${quotedString(input.initUri)}`,
  ];
  input.segments.forEach((s, i) => lines.push(`#EXTINF:${extinfs[i]},`, s.uri));
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}
