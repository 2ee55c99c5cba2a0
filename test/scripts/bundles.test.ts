// The set-up's bundle build decides by content: a stamp equal to the sources' hash with every
// output present means no build (a second `npm start` costs nothing); a changed source or a
// missing output means a build.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHash, bundleInputs, bundleOutputs, ensureBundles } from '../../scripts/lib/bundles.mjs';
import { repoRoot } from '../support/processes.js';

const outRoot = mkdtempSync(join(tmpdir(), 'reelkit-bundle-stamp-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('scripts/lib/bundles.mjs', () => {
  it('hashes the sources of protocol, the SDK and the element, but not their tests', () => {
    const inputs = bundleInputs().map((f) => relative(repoRoot, f));
    expect(inputs).toContain('packages/player-sdk/src/index.ts');
    expect(inputs).toContain('packages/embed/src/reelkit-player.ts');
    expect(inputs).toContain('packages/protocol/src/error-codes.ts');
    expect(inputs).toContain('rollup.config.mjs');
    expect(inputs.filter((f) => f.endsWith('.test.ts'))).toEqual([]);
    expect(bundleHash()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('builds nothing when the stamp matches the sources and every output exists', async () => {
    const out = bundleOutputs({ outRoot });
    for (const f of out.files) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, 'built earlier\n');
    }
    writeFileSync(out.stamp, bundleHash());
    await ensureBundles({ outRoot });
    // A build would have emptied the folders first.
    for (const f of out.files) expect(readFileSync(f, 'utf8')).toBe('built earlier\n');
  });
});
