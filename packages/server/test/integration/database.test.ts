import { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/index.js';
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
});
