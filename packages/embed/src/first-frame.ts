/**
 * Calls `callback` once `video` has put a frame on screen after this call (the next
 * `requestVideoFrameCallback`; two animation frames where the browser lacks it). Returns a
 * function that cancels the wait.
 */
export function afterNextFrame(video: HTMLVideoElement, callback: () => void): () => void {
  let cancelled = false;
  const run = () => {
    if (!cancelled) callback();
  };
  if (typeof video.requestVideoFrameCallback === 'function') {
    const handle = video.requestVideoFrameCallback(run);
    return () => {
      cancelled = true;
      video.cancelVideoFrameCallback(handle);
    };
  }
  let handle = requestAnimationFrame(() => {
    handle = requestAnimationFrame(run);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(handle);
  };
}
