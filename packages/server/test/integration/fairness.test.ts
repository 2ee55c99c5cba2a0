// A burst of 50 uploads from one organisation does not put another organisation's single upload
// behind all 50: the queue hands out jobs in rounds (transcodePriority), plan first within a round.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { makeClip } from '../../../../test/support/clips.js';
import { isolatedStack } from '../../../../test/support/stack-env.js';

describe('fair queueing across organisations', () => {
  let api: TestApi;
  beforeAll(async () => {
    // No worker runs on this prefix: the order the queue would hand jobs out in is observable.
    api = await startTestApi(isolatedStack('fair'));
  });
  afterAll(() => api?.close());

  it('another organisation’s single upload goes before the burst’s second round', async () => {
    const clip = new Uint8Array(await readFile(await makeClip({ width: 160, height: 90, seconds: 1 })));
    const busy = await signup(api.url, 'Busy');
    const quiet = await signup(api.url, 'Quiet');
    const premium = await signup(api.url, 'Premium');
    await api.reelkit.models.Org.updateOne({ _id: premium.orgId }, { $set: { plan: 'enterprise' } });
    const up = async (token: string, title: string) => {
      const form = new FormData();
      form.set('title', title);
      form.set('file', new Blob([clip]), 'c.mp4');
      const res = await call(api.url, 'POST', '/v1/videos', { token, body: form });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const burst: string[] = [];
    for (let i = 0; i < 50; i++) burst.push(await up(busy.accessToken, `burst ${i}`));
    const single = await up(quiet.accessToken, 'single');
    const vip = await up(premium.accessToken, 'vip');

    const order = (await api.reelkit.queue.getJobs(['prioritized', 'waiting'], 0, -1, true)).map((j) => j.id);
    expect(order).toHaveLength(52);
    // Round 1: every organisation's first job, enterprise first; then the burst's remaining 49.
    expect(order.slice(0, 3)).toEqual([vip, burst[0], single]);
    expect(order.indexOf(single)).toBeLessThan(order.indexOf(burst[1]!));
    expect(order.slice(3)).toEqual(burst.slice(1));
  });
});
