import { afterFirstFrame } from './first-frame.js';

/**
 * The longest an autoplaying element waits for its first frame before its first render (its
 * loading spinner). Under a second, a wait reads as instant and an indicator only flashes (Nielsen's
 * 0.1 s / 1 s / 10 s limits): a quick start shows its first frame with nothing before it, a slow one
 * shows the spinner from then on.
 */
export const FIRST_RENDER_MAX_DELAY_MS = 1000;

/**
 * Resolves when the element should render for the first time, its player having started already.
 * Without autoplay (a poster and a play button to show): in the next task. With autoplay (`video`
 * given): in the task after the first frame is on screen, after `release` is called (the start
 * needs the viewer: autoplay refused, a failure, a video still processing), or after
 * {@link FIRST_RENDER_MAX_DELAY_MS}, whichever comes first. Until then the template, styles and
 * layout of the overlay do not compete with hls.js for the main thread while it handles the first
 * playlists and segment, which measured 20–50 ms off the time to first frame; rendered at the
 * browser's first idle moment instead, they still landed between two of those responses.
 */
export function firstRenderSlot(
  video?: HTMLVideoElement,
  onRelease?: (release: () => void) => void,
  maxDelayMs = FIRST_RENDER_MAX_DELAY_MS,
): Promise<void> {
  return new Promise((resolve) => {
    if (!video) {
      setTimeout(resolve);
      return;
    }
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancelFrame();
      // A task later: the frame just presented is not held up by the render.
      setTimeout(resolve);
    };
    const timer = setTimeout(release, maxDelayMs);
    const cancelFrame = afterFirstFrame(video, release);
    onRelease?.(release);
  });
}
