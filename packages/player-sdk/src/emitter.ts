/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/**
 * A small typed event emitter: `on(type, listener)` only accepts the event names of `Events`, and
 * the listener receives that event's payload type. A listener that throws does not stop the others.
 *
 * @typeParam Events - map from event name to payload type
 */
export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<(e: never) => void>>();

  /** Where listener exceptions go (never swallowed silently: rethrown asynchronously by default). */
  protected onListenerError(err: unknown): void {
    setTimeout(() => {
      throw err;
    });
  }

  /**
   * Calls `listener` every time `type` is emitted.
   * @returns a function that removes the listener
   */
  on<K extends keyof Events>(type: K, listener: (e: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => this.off(type, listener);
  }

  /** Calls `listener` the next time `type` is emitted, then removes it. */
  once<K extends keyof Events>(type: K, listener: (e: Events[K]) => void): Unsubscribe {
    const off = this.on(type, (e) => {
      off();
      listener(e);
    });
    return off;
  }

  /** Removes a listener added with {@link Emitter.on}. */
  off<K extends keyof Events>(type: K, listener: (e: Events[K]) => void): void {
    this.listeners.get(type)?.delete(listener as (e: never) => void);
  }

  /** Calls every listener of `type` with `payload`, in the order they were added. */
  protected emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (e: Events[K]) => void)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** Removes every listener. */
  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
