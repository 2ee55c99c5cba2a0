import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the transcoder package', () => {
  it('never imports mongoose: results go back through the job, the server owns MongoDB', () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    const files = readdirSync(src).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) =>
      /from\s+['"]mongoose['"]|import\(\s*['"]mongoose['"]|require\(\s*['"]mongoose['"]/.test(
        readFileSync(join(src, f), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('mongoose');
  });
});
