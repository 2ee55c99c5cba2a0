import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseEnv } from './parse-env.js';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  NAME: z.string().min(3),
});

describe('parseEnv', () => {
  it('applies defaults and treats empty strings as unset', () => {
    const cfg = parseEnv(schema, { PORT: '', NAME: 'abc' });
    expect(cfg).toEqual({ PORT: 4000, NAME: 'abc' });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names every invalid variable and the problem', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: '70000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['NAME', 'PORT']);
    expect((error as Error).message).toMatch(/PORT: .*65535/);
  });
});
