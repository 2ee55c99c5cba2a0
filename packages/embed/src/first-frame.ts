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

/**
 * Calls `callback` once `video` has put its first frame on screen: its next
 * `requestVideoFrameCallback`, or where the browser lacks that, {@link afterNextFrame} once it starts
 * playing. Returns a function that cancels the wait.
 */
export function afterFirstFrame(video: HTMLVideoElement, callback: () => void): () => void {
  if (typeof video.requestVideoFrameCallback === 'function') return afterNextFrame(video, callback);
  let cancel = () => video.removeEventListener('playing', onPlaying);
  const onPlaying = () => {
    cancel = afterNextFrame(video, callback);
  };
  video.addEventListener('playing', onPlaying, { once: true });
  return () => cancel();
}
