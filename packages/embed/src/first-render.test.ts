import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_RENDER_MAX_DELAY_MS, firstRenderSlot } from './first-render.js';

/** A video whose `requestVideoFrameCallback` the test fires by hand. */
function fakeVideo() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const video = {
    requestVideoFrameCallback: vi.fn((cb: () => void) => {
      callbacks.set(next, cb);
      return next++;
    }),
    cancelVideoFrameCallback: vi.fn((handle: number) => callbacks.delete(handle)),
  };
  const presentFrame = () => {
    for (const [handle, cb] of [...callbacks]) {
      callbacks.delete(handle);
      cb();
    }
  };
  return { video: video as unknown as HTMLVideoElement, presentFrame, pending: () => callbacks.size };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('firstRenderSlot', () => {
  it('without a video to wait for (no autoplay), renders in the next task', async () => {
    vi.useFakeTimers();
    let done = false;
    const slot = firstRenderSlot().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    await slot;
    expect(done).toBe(true);
  });

  it('with autoplay, waits for the first frame, then renders a task later', async () => {
    vi.useFakeTimers();
    const { video, presentFrame, pending } = fakeVideo();
    let done = false;
    const slot = firstRenderSlot(video).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(FIRST_RENDER_MAX_DELAY_MS / 2);
    expect(done).toBe(false);
    presentFrame();
    expect(done).toBe(false); // not inside the frame callback
    await vi.advanceTimersByTimeAsync(0);
    await slot;
    expect(done).toBe(true);
    expect(pending()).toBe(0);
  });

  it('with autoplay, renders at once when released (the start needs the viewer)', async () => {
    vi.useFakeTimers();
    const { video, pending } = fakeVideo();
    let release: (() => void) | undefined;
    let done = false;
    const slot = firstRenderSlot(video, (r) => (release = r)).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    await slot;
    expect(done).toBe(true);
    expect(pending()).toBe(0); // the frame wait is cancelled
  });

  it('with autoplay, renders after FIRST_RENDER_MAX_DELAY_MS when no frame comes', async () => {
    vi.useFakeTimers();
    const { video } = fakeVideo();
    let done = false;
    const slot = firstRenderSlot(video).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(FIRST_RENDER_MAX_DELAY_MS - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1); // the render's own task (a timer set within a tick is 1 ms)
    await slot;
    expect(done).toBe(true);
  });

  it('without requestVideoFrameCallback, waits for playing and two animation frames', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => setTimeout(cb, 16));
    vi.stubGlobal('cancelAnimationFrame', (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle));
    const listeners = new Map<string, () => void>();
    const video = {
      addEventListener: (type: string, fn: () => void) => listeners.set(type, fn),
      removeEventListener: (type: string) => listeners.delete(type),
    } as unknown as HTMLVideoElement;
    let done = false;
    const slot = firstRenderSlot(video).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    listeners.get('playing')!();
    await vi.advanceTimersByTimeAsync(100); // two animation frames, then a task
    await slot;
    expect(done).toBe(true);
  });
});
