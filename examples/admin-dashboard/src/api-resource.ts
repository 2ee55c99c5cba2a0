import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Session } from './session.js';

type Host = ReactiveControllerHost & { session: Session };

/**
 * What every admin view does with the API: load a resource when the view connects (and, with
 * `refreshMs`, again on an interval while it is shown), run actions that reload it afterwards,
 * and keep the last error to show. The host re-renders whenever any of that changes.
 */
export class ApiResource<T> implements ReactiveController {
  /** The last value loaded (or `set`); `undefined` until the first load succeeds. */
  value: T | undefined;
  /** The message of the last failed load or action; empty when the last one succeeded. */
  error = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  /** A resource that is a list endpoint's `items` (`GET path` → `{ items }`). */
  static items<I>(host: Host, path: string): ApiResource<I[]> {
    return new ApiResource(
      host,
      async (session) => (await session.request<{ items: I[] }>('GET', path)).items,
    );
  }

  constructor(
    private readonly host: Host,
    private readonly load: (session: Session) => Promise<T>,
    private readonly options: { refreshMs?: number } = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.reload();
    if (this.options.refreshMs) this.timer = setInterval(() => void this.reload(), this.options.refreshMs);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    this.error = await Session.attempt(async () => {
      this.value = await this.load(this.host.session);
    });
    this.host.requestUpdate();
  }

  /** Runs an action, then reloads; an action's error stays shown even when the reload succeeds. */
  async run(action: () => Promise<unknown>, options: { reload?: boolean } = {}): Promise<void> {
    const failed = await Session.attempt(action);
    const reload = options.reload !== false;
    if (reload) await this.reload();
    this.error = failed || (reload ? this.error : '');
    this.host.requestUpdate();
  }

  /**
   * A form's submit handler: runs `action` with the form's data, resets the form when it
   * succeeded, then reloads (like `run`).
   */
  async submit(e: SubmitEvent, action: (data: FormData) => Promise<unknown>): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    await this.run(async () => {
      await action(data);
      form.reset();
    });
  }

  /** Replaces the value with one an action returned (no reload needed). */
  set(value: T): void {
    this.value = value;
    this.error = '';
    this.host.requestUpdate();
  }
}
