/** One thumbnail of a storyboard: a rectangle of a sprite image shown for a time range. */
export interface StoryboardCue {
  /** Seconds. */
  start: number;
  /** Seconds. */
  end: number;
  /** Absolute URL of the sprite image (the `#xywh` fragment removed). */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `hh:mm:ss.ttt` or `mm:ss.ttt` (WebVTT timestamps) to seconds; NaN when malformed. */
export function parseVttTime(text: string): number {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [, h = '0', min = '0', s = '0', ms = '0'] = m;
  return Number(h) * 3600 + Number(min) * 60 + Number(s) + Number(ms.padEnd(3, '0')) / 1000;
}

/**
 * Parses a storyboard WebVTT file: each cue's payload is an image URL with a media fragment
 * `#xywh=x,y,w,h` (e.g. `storyboard.jpg#xywh=160,0,160,90`). Relative URLs resolve against
 * `baseUrl` (the WebVTT's own URL), so a signed base such as `/v1/play/<token>/<id>/` is kept.
 * Cues without a valid fragment or time range are skipped. Returns cues sorted by start time.
 */
export function parseStoryboardVtt(text: string, baseUrl: string): StoryboardCue[] {
  const cues: StoryboardCue[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const timing = /^\s*(\S+)\s+-->\s+(\S+)/.exec(lines[i] ?? '');
    if (!timing) continue;
    const start = parseVttTime(timing[1] ?? '');
    const end = parseVttTime(timing[2] ?? '');
    const payload = (lines[i + 1] ?? '').trim();
    const frag = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
    if (!frag || !(end > start)) continue;
    let url: string;
    try {
      url = new URL(frag[1] ?? '', baseUrl).href;
    } catch {
      continue;
    }
    cues.push({
      start,
      end,
      url,
      x: Number(frag[2]),
      y: Number(frag[3]),
      w: Number(frag[4]),
      h: Number(frag[5]),
    });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue shown at `seconds` (binary search), or the last one before it; undefined when empty. */
export function cueAt(cues: readonly StoryboardCue[], seconds: number): StoryboardCue | undefined {
  let lo = 0;
  let hi = cues.length - 1;
  let found: StoryboardCue | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const cue = cues[mid]!;
    if (cue.start <= seconds) {
      found = cue;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found ?? cues[0];
}
