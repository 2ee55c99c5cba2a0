import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@reelkit/protocol';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './config.js';

const stateDir = () => mkdtempSync(join(tmpdir(), 'reelkit-config-'));
const strong = 'x'.repeat(32);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('server config', () => {
  it('has working defaults in development and generates the signing secret once', () => {
    const dir = stateDir();
    const a = loadServerConfig({ STATE_DIR: dir });
    const b = loadServerConfig({ STATE_DIR: dir });
    expect(a.PORT).toBe(4000);
    expect(a.HOST).toBe('127.0.0.1');
    expect(a.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(b.JWT_SECRET).toBe(a.JWT_SECRET);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toHaveProperty(
      'JWT_SECRET',
      a.JWT_SECRET,
    );
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('refuses to start in production without a signing secret', () => {
    expect(problemsOf(() => loadServerConfig({ NODE_ENV: 'production', STATE_DIR: stateDir() }))).toEqual([
      expect.stringMatching(/^JWT_SECRET: is required in production/),
    ]);
  });

  it('refuses a weak signing secret (< 32 bytes)', () => {
    expect(
      problemsOf(() =>
        loadServerConfig({ NODE_ENV: 'production', JWT_SECRET: 'short', STATE_DIR: stateDir() }),
      ),
    ).toEqual(['JWT_SECRET: must be at least 32 bytes']);
    expect(
      loadServerConfig({
        NODE_ENV: 'production',
        JWT_SECRET: strong,
        PLAYBACK_KEYS: `k1:${strong}`,
        STATE_DIR: stateDir(),
      }).JWT_SECRET,
    ).toBe(strong);
  });

  it('refuses to start in production without playback keys, and refuses weak ones anywhere', () => {
    expect(
      problemsOf(() =>
        loadServerConfig({ NODE_ENV: 'production', JWT_SECRET: strong, STATE_DIR: stateDir() }),
      ),
    ).toEqual([expect.stringMatching(/^PLAYBACK_KEYS: is required in production/)]);
    expect(problemsOf(() => loadServerConfig({ PLAYBACK_KEYS: 'k1:short', STATE_DIR: stateDir() }))).toEqual([
      'PLAYBACK_KEYS: the secret of key "k1" must be at least 32 bytes',
    ]);
    expect(
      problemsOf(() =>
        loadServerConfig({ PLAYBACK_KEYS: `k1:${strong},k1:${strong}`, STATE_DIR: stateDir() }),
      ),
    ).toEqual(['PLAYBACK_KEYS: key id "k1" appears twice']);
    const keys = loadServerConfig({
      PLAYBACK_KEYS: `new:${strong},old:${strong}`,
      STATE_DIR: stateDir(),
    }).PLAYBACK_KEYS;
    expect(keys.signing.kid).toBe('new');
    expect([...keys.byKid.keys()]).toEqual(['new', 'old']);
  });

  it('accepts nginx offload (x-accel) with S3 storage: nginx proxies presigned GETs to the bucket', () => {
    const env = { STATE_DIR: stateDir(), STORAGE: 's3', S3_BUCKET: 'media', DELIVERY_OFFLOAD: 'x-accel' };
    const config = loadServerConfig(env);
    expect(config).toMatchObject({ STORAGE: 's3', DELIVERY_OFFLOAD: 'x-accel' });
  });

  it('names each invalid variable and what is wrong with it', () => {
    const problems = problemsOf(() =>
      loadServerConfig({
        PORT: 'eighty',
        MONGODB_URI: 'http://db',
        REDIS_URL: 'localhost:6379',
        STATE_DIR: stateDir(),
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        'MONGODB_URI: must be a mongodb:// or mongodb+srv:// URI',
        'REDIS_URL: must be a redis:// or rediss:// URL',
      ]),
    );
  });
});
