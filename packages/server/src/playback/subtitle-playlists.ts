/** A caption as the master playlist names it. */
export interface SubtitleRendition {
  id: string;
  language: string;
  label: string;
  default: boolean;
}

const quoted = (value: string) => `"${value.replace(/["\r\n]/g, '')}"`;

/**
 * Pure: the master playlist with a `SUBTITLES` group (`GROUP-ID="subs"`, one rendition per
 * caption) before the first `#EXT-X-STREAM-INF`, and `SUBTITLES="subs"` on every variant. Works
 * on masters with or without an AUDIO group; without captions the master is returned as is.
 */
export function injectSubtitles(master: string, captions: readonly SubtitleRendition[]): string {
  if (captions.length === 0) return master;
  const media = captions.map(
    (c) =>
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME=${quoted(c.label)},LANGUAGE=${quoted(c.language)},` +
      `DEFAULT=${c.default ? 'YES' : 'NO'},AUTOSELECT=YES,FORCED=NO,URI="subs/${c.id}.m3u8"`,
  );
  const out: string[] = [];
  let injected = false;
  for (const line of master.split('\n')) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      if (!injected) out.push(...media);
      injected = true;
      out.push(line.includes('SUBTITLES=') ? line : `${line.trimEnd()},SUBTITLES="subs"`);
    } else out.push(line);
  }
  return out.join('\n');
}

/** Pure: a one-segment WebVTT media playlist for a caption of a video `durationS` long. */
export function subtitleMediaPlaylist(captionId: string, durationS: number): string {
  const duration = Math.max(durationS, 0.001);
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(duration)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${duration.toFixed(3)},`,
    `${captionId}.vtt`,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}
