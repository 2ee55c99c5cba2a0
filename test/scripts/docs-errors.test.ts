import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_MD, errorsMarkdown } from '../../scripts/docs-errors.js';

describe('docs/errors.md', () => {
  it('is what `npm run docs:errors` generates from protocol’s code lists (run it after changing them)', async () => {
    expect(readFileSync(ERRORS_MD, 'utf8')).toBe(await errorsMarkdown());
  });
});
