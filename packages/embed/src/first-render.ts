/**
 * The longest an autoplaying element waits for an idle moment before its first render (its loading
 * spinner): a start quicker than this shows the first frame without a spinner flashing before it.
 */
export const FIRST_RENDER_MAX_DELAY_MS = 300;

type IdleScheduler = (callback: () => void, options: { timeout: number }) => unknown;

/**
 * Resolves when the element should render for the first time, its player having started already.
 * With autoplay, at the browser's first idle moment (at most {@link FIRST_RENDER_MAX_DELAY_MS}): the
 * template, styles and layout of the overlay then do not compete with hls.js handling the first
 * playlists and segment, which measured 20–50 ms off the time to first frame. Otherwise (a poster
 * and a play button to show) in the next task.
 */
export function firstRenderSlot(
  autoplay: boolean,
  idle: IdleScheduler | undefined = (globalThis as { requestIdleCallback?: IdleScheduler })
    .requestIdleCallback,
): Promise<void> {
  return new Promise((resolve) => {
    if (autoplay && idle) idle(() => resolve(), { timeout: FIRST_RENDER_MAX_DELAY_MS });
    else setTimeout(resolve);
  });
}
