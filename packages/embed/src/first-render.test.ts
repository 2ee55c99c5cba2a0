import { describe, expect, it, vi } from 'vitest';
import { FIRST_RENDER_MAX_DELAY_MS, firstRenderSlot } from './first-render.js';

describe('firstRenderSlot', () => {
  it('with autoplay waits for an idle moment, at most FIRST_RENDER_MAX_DELAY_MS', async () => {
    let run: (() => void) | undefined;
    const idle = vi.fn((callback: () => void) => {
      run = callback;
    });
    let done = false;
    const slot = firstRenderSlot(true, idle).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false); // not before the idle callback
    expect(idle).toHaveBeenCalledWith(expect.any(Function), { timeout: FIRST_RENDER_MAX_DELAY_MS });
    run!();
    await slot;
    expect(done).toBe(true);
  });

  it('without autoplay, or without requestIdleCallback, renders in the next task', async () => {
    const idle = vi.fn();
    await firstRenderSlot(false, idle);
    await firstRenderSlot(true, undefined);
    expect(idle).not.toHaveBeenCalled();
  });
});
