// An HLS video with alternative renditions, as issue 20's server and transcoder produce it: one
// video-only fMP4 variant, an AUDIO group with two languages (English 440 Hz, French 880 Hz — so a
// switch is audible in a recording) and a SUBTITLES group with two WebVTT renditions. ffmpeg makes
// the media; the master and subtitle playlists are written here around its output.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from './clips.js';

/** Cues of each subtitle rendition: [start s, end s, text]. */
export const TRACK_FIXTURE_CUES: Record<'en' | 'fr', Array<[number, number, string]>> = {
  en: [
    [2, 5, 'Hello there'],
    [6, 9, 'Goodbye'],
  ],
  fr: [
    [2, 5, 'Bonjour à tous'],
    [6, 9, 'Au revoir'],
  ],
};

export interface TrackedHls {
  /** Folder holding `master.m3u8` and everything it names. */
  dir: string;
  seconds: number;
}

const vttTime = (s: number) => `00:00:${s.toFixed(3).padStart(6, '0')}`;

/** Writes the fixture under `dir` (created): `master.m3u8`, `v/`, `audio/<id>/`, `subs/<id>.*`. */
export async function makeTrackedHls(dir: string, seconds = 12): Promise<TrackedHls> {
  const hls = (out: string) => [
    '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
    '-hls_fmp4_init_filename', 'init.mp4', '-start_number', '1',
    '-hls_segment_filename', join(dir, out, 'seg_%05d.m4s'), join(dir, out, 'index.m3u8'),
  ]; // prettier-ignore
  await Promise.all(
    ['v', 'audio/aen', 'audio/afr', 'subs'].map((d) => mkdir(join(dir, d), { recursive: true })),
  );
  await Promise.all([
    runFfmpeg([
      '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50',
      '-sc_threshold', '0', '-an', ...hls('v'),
    ]), // prettier-ignore
    ...(
      [
        ['aen', 440],
        ['afr', 880],
      ] as const
    ).map(
      ([id, hz]) =>
      runFfmpeg([
        '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`,
        '-ac', '2', '-c:a', 'aac', '-b:a', '64k', ...hls(`audio/${id}`),
      ]), // prettier-ignore
    ),
  ]);
  for (const [lang, cues] of Object.entries(TRACK_FIXTURE_CUES)) {
    const body = cues.map(([a, b, text]) => `${vttTime(a)} --> ${vttTime(b)}\n${text}`).join('\n\n');
    await writeFile(
      join(dir, 'subs', `c${lang}.vtt`),
      `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n${body}\n`,
    );
    await writeFile(
      join(dir, 'subs', `c${lang}.m3u8`),
      [
        '#EXTM3U',
        `#EXT-X-TARGETDURATION:${seconds}`,
        '#EXT-X-VERSION:3',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        `#EXTINF:${seconds}.000,`,
        `c${lang}.vtt`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  }
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/aen/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="fr",NAME="Français",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/afr/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs/cen.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français (CC)",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,CHARACTERISTICS="public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound",URI="subs/cfr.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio",SUBTITLES="subs"',
    'v/index.m3u8',
    '',
  ];
  await writeFile(join(dir, 'master.m3u8'), master.join('\n'));
  return { dir, seconds };
}
