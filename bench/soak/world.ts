// What the soak's clients share: the APIs, the organisations they act for, the recorder, the
// videos uploaded so far and the ones ready to watch. Bounded: the pool of watchable videos keeps
// the newest few, and every loop stops when `stopped` is set.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Recorder } from './recorder.js';

export interface Org {
  id: string;
  token: string;
}

export interface Watchable {
  id: string;
  org: Org;
}

export interface Tracked {
  id: string;
  org: Org;
  /** Last status the API showed. */
  status: string;
  errorCode?: string;
}

export class World {
  stopped = false;
  readonly watchable: Watchable[] = [];
  readonly tracked = new Map<string, Tracked>();
  private nextApi = 0;
  /** Until when (Date.now()) an API that did not answer is left out. */
  private readonly downUntil: number[];

  constructor(
    readonly apis: string[],
    readonly orgs: Org[],
    readonly rec: Recorder,
  ) {
    this.downUntil = apis.map(() => 0);
    rec.onNoAnswer = (api) => (this.downUntil[api] = Date.now() + 3000);
  }

  /**
   * Round-robin over the APIs, as a load balancer with no sticky sessions would, leaving out for a
   * few seconds one that did not answer (a passive health check) unless none answers.
   */
  pickApi(): number {
    for (let tries = 0; tries < this.apis.length; tries++) {
      this.nextApi = (this.nextApi + 1) % this.apis.length;
      if (this.downUntil[this.nextApi]! <= Date.now()) return this.nextApi;
    }
    return this.nextApi;
  }

  pickWatchable(): Watchable | undefined {
    if (this.watchable.length === 0) return undefined;
    return this.watchable[Math.floor(Math.random() * this.watchable.length)];
  }

  addWatchable(v: Watchable): void {
    if (this.watchable.some((w) => w.id === v.id)) return;
    this.watchable.push(v);
    if (this.watchable.length > 12) this.watchable.shift();
  }

  /** Sleeps `ms` unless the run stops first; resolves false once stopped. */
  async pause(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!this.stopped && Date.now() < end) await sleep(Math.min(250, end - Date.now()));
    return !this.stopped;
  }
}

export const bearer = (org: Org) => ({ authorization: `Bearer ${org.token}` });
