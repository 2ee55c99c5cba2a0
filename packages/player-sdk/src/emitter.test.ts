import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter.js';

interface Events {
  tick: { n: number };
  done: undefined;
}

class Clock extends Emitter<Events> {
  fire<K extends keyof Events>(type: K, payload: Events[K]) {
    this.emit(type, payload);
  }
  protected override onListenerError(err: unknown) {
    this.errors.push(err);
  }
  errors: unknown[] = [];
}

describe('Emitter', () => {
  it('calls listeners of that event with its payload, in order', () => {
    const clock = new Clock();
    const seen: string[] = [];
    clock.on('tick', (e) => seen.push(`a${e.n}`));
    clock.on('tick', (e) => seen.push(`b${e.n}`));
    clock.on('done', () => seen.push('done'));
    clock.fire('tick', { n: 1 });
    expect(seen).toEqual(['a1', 'b1']);
  });

  it('on() returns an unsubscribe function, and off() removes a listener', () => {
    const clock = new Clock();
    const a = vi.fn();
    const b = vi.fn();
    const offA = clock.on('tick', a);
    clock.on('tick', b);
    offA();
    clock.off('tick', b);
    clock.fire('tick', { n: 1 });
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });

  it('once() listens a single time', () => {
    const clock = new Clock();
    const once = vi.fn();
    clock.once('tick', once);
    clock.fire('tick', { n: 1 });
    clock.fire('tick', { n: 2 });
    expect(once).toHaveBeenCalledTimes(1);
    expect(once).toHaveBeenCalledWith({ n: 1 });
  });

  it('a throwing listener does not stop the others, and its error is reported', () => {
    const clock = new Clock();
    const after = vi.fn();
    clock.on('tick', () => {
      throw new Error('boom');
    });
    clock.on('tick', after);
    clock.fire('tick', { n: 1 });
    expect(after).toHaveBeenCalled();
    expect(clock.errors).toHaveLength(1);
  });

  it('a listener removing itself while emitting does not skip the next one', () => {
    const clock = new Clock();
    const second = vi.fn();
    const off = clock.on('tick', () => off());
    clock.on('tick', second);
    clock.fire('tick', { n: 1 });
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('rejects unknown event names at compile time', () => {
    const clock = new Clock();
    // @ts-expect-error: 'tock' is not an event of Events
    clock.on('tock', () => undefined);
    // @ts-expect-error: the payload of 'tick' has no 'x'
    clock.on('tick', (e) => e.x);
  });
});
