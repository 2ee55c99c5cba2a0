import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_ENV_VARIABLES } from '@reelkit/server';
import { TRANSCODER_ENV_VARIABLES } from '@reelkit/transcoder';
import { repoRoot } from '../support/processes.js';

describe('.env.example', () => {
  const documented = new Set(
    readFileSync(join(repoRoot, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((v): v is string => v !== undefined),
  );

  it('documents every variable the server and the transcoder read', () => {
    const missing = [...SERVER_ENV_VARIABLES, ...TRANSCODER_ENV_VARIABLES].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
  });
});
