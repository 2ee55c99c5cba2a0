/** A storyboard: one JPEG sprite of evenly spaced thumbnails, indexed by a WebVTT file. */
export interface StoryboardPlan {
  /** Seconds between thumbnails (whole seconds, at least 1). */
  interval: number;
  /** Thumbnails in the sprite. */
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/** Longest side of one thumbnail, in pixels. */
export const STORYBOARD_TILE_LONG_SIDE = 160;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/**
 * Plans the storyboard of a `durationS` video of `width`×`height`: at most `maxThumbs` thumbnails
 * (one per `interval` seconds), `columns` per row, each scaled so its long side is 160 px.
 */
export function planStoryboard(
  source: { durationS: number; width: number; height: number },
  options: { maxThumbs?: number; columns?: number } = {},
): StoryboardPlan {
  const { maxThumbs = 100, columns = 10 } = options;
  const duration = Math.max(source.durationS, 0.001);
  const interval = Math.max(1, Math.ceil(duration / maxThumbs));
  const count = Math.max(1, Math.ceil(duration / interval));
  const landscape = source.width >= source.height;
  const ratio = source.width / source.height;
  const tileWidth = landscape ? STORYBOARD_TILE_LONG_SIDE : even(STORYBOARD_TILE_LONG_SIDE * ratio);
  const tileHeight = landscape ? even(STORYBOARD_TILE_LONG_SIDE / ratio) : STORYBOARD_TILE_LONG_SIDE;
  const cols = Math.min(columns, count);
  return { interval, count, columns: cols, rows: Math.ceil(count / cols), tileWidth, tileHeight };
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/**
 * The WebVTT index of a storyboard: one cue per thumbnail, `<imageUrl>#xywh=x,y,w,h`, covering
 * `[i × interval, min((i + 1) × interval, duration))`. `imageUrl` is relative to the VTT file.
 */
export function buildStoryboardVtt(plan: StoryboardPlan, durationS: number, imageUrl: string): string {
  const lines = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i++) {
    const start = i * plan.interval;
    const end = Math.min((i + 1) * plan.interval, durationS);
    if (end <= start) break;
    const x = (i % plan.columns) * plan.tileWidth;
    const y = Math.floor(i / plan.columns) * plan.tileHeight;
    lines.push(`${timestamp(start)} --> ${timestamp(end)}`);
    lines.push(`${imageUrl}#xywh=${x},${y},${plan.tileWidth},${plan.tileHeight}`, '');
  }
  return lines.join('\n');
}
