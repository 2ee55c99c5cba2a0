import { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { connectDatabase } from '../../src/index.js';
import { watchDatabase } from '../../src/db.js';
import { stackEnv } from '../../../../test/support/stack-env.js';

describe('the database the scripts started', () => {
  let db: Connection;
  beforeAll(async () => {
    const env = stackEnv();
    db = await connectDatabase(env.MONGODB_URI, env.MONGODB_DB);
  });
  afterAll(() => db.close());

  it('enforces a unique index: a duplicate insert fails with E11000', async () => {
    const Thing = db.model(
      'UniqueThing',
      new Schema({ email: { type: String, required: true, unique: true } }),
      `unique_things_${Date.now()}`,
    );
    await Thing.init(); // wait for the index build
    await Thing.create({ email: 'ada@example.com' });
    const err = await Thing.create({ email: 'ada@example.com' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000 });
    expect(String((err as Error).message)).toMatch(/E11000/);
    expect(await Thing.countDocuments()).toBe(1);
  });

  it('the watchdog reconnects a driver whose topology is dead, and the models work again', async () => {
    const env = stackEnv();
    const conn = await connectDatabase(env.MONGODB_URI, env.MONGODB_DB);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const watchdog = watchDatabase(conn, { logger, everyMs: 100, stuckAfterMs: 500, pingTimeoutMs: 1000 });
    try {
      const Thing = conn.model('WatchedThing', new Schema({ n: Number }), `watched_things_${Date.now()}`);
      await Thing.create({ n: 1 });
      // As the soak run found it after a database restart: every operation fails, nothing recovers.
      await conn.getClient().close();
      await expect(Thing.countDocuments()).rejects.toThrow();
      // As the driver stuck after a restart shows it: disconnected (mongoose's readyState 0).
      (conn as unknown as { readyState: number }).readyState = 0;
      watchdog.start();
      const until = Date.now() + 60_000;
      let count: number | undefined;
      while (count === undefined && Date.now() < until) {
        count = await Thing.countDocuments().catch(() => undefined);
        if (count === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(count).toBe(1);
      // The watchdog logs once its reconnect has returned, which may come just after the queued
      // operations the reconnect released (seen once in CI): wait for the line too.
      while (!/database driver reconnected/.test(lines.join('\n')) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(lines.join('\n')).toMatch(/reconnecting it[\s\S]*database driver reconnected/);
    } finally {
      await watchdog.close();
      await conn.close();
    }
  });

  it('the watchdog leaves a healthy connection alone, however slow its pings', async () => {
    const env = stackEnv();
    const conn = await connectDatabase(env.MONGODB_URI, env.MONGODB_DB);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    // A ping can never answer in 1 ms: were slowness evidence, this would reconnect at once.
    const watchdog = watchDatabase(conn, { logger, everyMs: 50, stuckAfterMs: 0, pingTimeoutMs: 1 });
    try {
      for (let i = 0; i < 10; i++) await watchdog.run();
      expect(lines).toEqual([]);
    } finally {
      await watchdog.close();
      await conn.close();
    }
  });
});
