import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sharedEnvShape, storageEnvProblems } from './env-fields.js';
import { ConfigError, parseEnv } from './parse-env.js';

const schema = z.object(sharedEnvShape);

describe('the storage variables', () => {
  it('default to the local driver', () => {
    const env = parseEnv(schema, {});
    expect(env.STORAGE).toBe('local');
    expect(env.S3_PREFIX).toBe('');
    expect(storageEnvProblems(env)).toEqual([]);
  });

  it('STORAGE=s3 needs a bucket, and credentials come in pairs', () => {
    expect(storageEnvProblems(parseEnv(schema, { STORAGE: 's3' })).map((p) => p.variable)).toEqual([
      'S3_BUCKET',
    ]);
    const env = parseEnv(schema, {
      STORAGE: 's3',
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'key',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(env.S3_FORCE_PATH_STYLE).toBe(true);
    expect(storageEnvProblems(env).map((p) => p.variable)).toEqual(['S3_SECRET_ACCESS_KEY']);
  });

  it('refuses a prefix that is not path segments ending in /', () => {
    expect(() => parseEnv(schema, { S3_PREFIX: 'reelkit' })).toThrow(ConfigError);
    expect(() => parseEnv(schema, { S3_PREFIX: '../x/' })).toThrow(ConfigError);
    expect(parseEnv(schema, { S3_PREFIX: 'prod/reelkit/' }).S3_PREFIX).toBe('prod/reelkit/');
  });
});
