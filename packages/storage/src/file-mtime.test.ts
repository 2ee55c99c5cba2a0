import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMtime } from './file-mtime.js';

describe('fileMtime', () => {
  it('keeps the second the file system has, where Stats.mtime rounds into the next one', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reelkit-mtime-')), 'f');
    writeFileSync(file, 'x');
    utimesSync(file, 1000.9997, 1000.9997);
    const stats = statSync(file);
    expect(Math.floor(stats.mtime.getTime() / 1000)).toBe(1001); // Node's rounding
    expect(Math.floor(fileMtime(stats).getTime() / 1000)).toBe(1000); // as `stat -c %Y` and nginx
    expect(fileMtime(stats).getTime()).toBe(1000999);
  });
});
