// Adding one audio rendition (a dub) to a master playlist we wrote, and checking a dub's length.
// Pure: text and numbers in, text or a verdict out.
import { AUDIO_GROUP_ID, audioMediaLine, type MasterAudioRendition } from './hls-playlists.js';

/** The measured rendition being added. */
export interface AddedAudioRendition extends MasterAudioRendition {
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

/** The highest bandwidths of the group before the addition (0 when the video had no audio). */
export interface AudioGroupPeak {
  bandwidth: number;
  averageBandwidth: number;
}

const setAttr = (line: string, name: string, value: string): string => {
  const re = new RegExp(`([:,])${name}=("[^"]*"|[^,]*)`);
  return re.test(line) ? line.replace(re, `$1${name}=${value}`) : `${line},${name}=${value}`;
};
const numAttr = (line: string, name: string): number =>
  Number(new RegExp(`[:,]${name}=(\\d+)`).exec(line)?.[1] ?? 0);
const isAudioMedia = (l: string) => l.startsWith('#EXT-X-MEDIA:') && l.includes('TYPE=AUDIO');
const removeAttr = (line: string, name: string): string =>
  line.replace(new RegExp(`,${name}=("[^"]*"|[^,]*)`), '');

/**
 * The master with `added` in its `audio` group: after the group's last rendition, or, for a video
 * that had no audio, as the group's only (and default) rendition, every variant then naming the
 * group and the codec. Each variant's BANDWIDTH and AVERAGE-BANDWIDTH grow by what the new
 * rendition adds over the group's previous peak (RFC 8216 4.3.4.2: a variant's BANDWIDTH covers
 * the highest-bandwidth rendition of its group). Throws on text that is not a master playlist.
 */
export function addAudioRendition(master: string, added: AddedAudioRendition, peak: AudioGroupPeak): string {
  const lines = master.split('\n');
  if (lines[0]?.trim() !== '#EXTM3U' || !lines.some((l) => l.startsWith('#EXT-X-STREAM-INF:')))
    throw new Error('not a master playlist');
  const lastAudio = lines.findLastIndex(isAudioMedia);
  const hadAudio = lastAudio >= 0;
  const media = audioMediaLine({ ...added, default: hadAudio ? added.default : true });
  const growth = {
    bandwidth: Math.max(0, Math.ceil(added.bandwidth - peak.bandwidth)),
    averageBandwidth: Math.max(0, Math.ceil(added.averageBandwidth - peak.averageBandwidth)),
  };
  const out = lines.map((line) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return line;
    let v = setAttr(line, 'BANDWIDTH', String(numAttr(line, 'BANDWIDTH') + growth.bandwidth));
    if (/[:,]AVERAGE-BANDWIDTH=/.test(v))
      v = setAttr(v, 'AVERAGE-BANDWIDTH', String(numAttr(v, 'AVERAGE-BANDWIDTH') + growth.averageBandwidth));
    if (!hadAudio) {
      const codecs = /[:,]CODECS="([^"]*)"/.exec(v)?.[1];
      if (codecs !== undefined && !codecs.split(',').includes(added.codecs))
        v = setAttr(v, 'CODECS', `"${codecs},${added.codecs}"`);
      v = setAttr(v, 'AUDIO', `"${AUDIO_GROUP_ID}"`);
    }
    return v;
  });
  // Without a group, the rendition goes where buildMasterPlaylist puts the group: before the variants.
  const at = hadAudio ? lastAudio + 1 : out.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  out.splice(at, 0, media);
  return out.join('\n');
}

/** Whether the master's audio group already has a rendition at `uri` (a result applied twice). */
export function hasAudioRendition(master: string, uri: string): boolean {
  return master.split('\n').some((l) => isAudioMedia(l) && l.includes(`URI="${uri}"`));
}

/**
 * The master without the audio rendition at `uri` (a dub removed): each variant's BANDWIDTH and
 * AVERAGE-BANDWIDTH shrink by what the group's peak drops (`before` with the rendition, `after`
 * without). When it was the default, the group's first remaining rendition becomes the default;
 * when it was the only one, the variants lose `AUDIO=` and the AAC codec, as a silent video's.
 * The master as is when it has no such rendition.
 */
export function removeAudioRendition(
  master: string,
  uri: string,
  before: AudioGroupPeak,
  after: AudioGroupPeak,
): string {
  const lines = master.split('\n');
  const at = lines.findIndex((l) => isAudioMedia(l) && l.includes(`URI="${uri}"`));
  if (at < 0) return master;
  const [removed] = lines.splice(at, 1);
  const remaining = lines.filter(isAudioMedia);
  const first = lines.findIndex(isAudioMedia);
  if (removed?.includes('DEFAULT=YES') && first >= 0) lines[first] = setAttr(lines[first]!, 'DEFAULT', 'YES');
  const drop = {
    bandwidth: Math.max(0, Math.floor(before.bandwidth - after.bandwidth)),
    averageBandwidth: Math.max(0, Math.floor(before.averageBandwidth - after.averageBandwidth)),
  };
  return lines
    .map((line) => {
      if (!line.startsWith('#EXT-X-STREAM-INF:')) return line;
      let v = setAttr(line, 'BANDWIDTH', String(Math.max(1, numAttr(line, 'BANDWIDTH') - drop.bandwidth)));
      if (/[:,]AVERAGE-BANDWIDTH=/.test(v)) {
        const average = Math.max(1, numAttr(v, 'AVERAGE-BANDWIDTH') - drop.averageBandwidth);
        v = setAttr(v, 'AVERAGE-BANDWIDTH', String(average));
      }
      if (remaining.length === 0) {
        v = removeAttr(v, 'AUDIO');
        const codecs = /[:,]CODECS="([^"]*)"/.exec(v)?.[1];
        if (codecs !== undefined) {
          const video = codecs.split(',').filter((c) => !c.startsWith('mp4a.'));
          v = setAttr(v, 'CODECS', `"${video.join(',')}"`);
        }
      }
      return v;
    })
    .join('\n');
}

/**
 * How far a dub's length may be from the video's, in seconds: 1 s, or 2 % of a long video (a
 * dub mastered at a slightly different speed, a fade of its own).
 */
export function dubLengthTolerance(videoS: number): number {
  return Math.max(1, videoS * 0.02);
}

/** Why a dub of `dubS` seconds does not fit a video of `videoS` seconds, or null when it does. */
export function checkDubLength(dubS: number, videoS: number): string | null {
  const tolerance = dubLengthTolerance(videoS);
  if (!(dubS > 0)) return 'it has no duration';
  if (Math.abs(dubS - videoS) <= tolerance) return null;
  return `it lasts ${dubS.toFixed(1)} s and the video ${videoS.toFixed(1)} s (±${tolerance.toFixed(1)} s allowed)`;
}
