import { describe, expect, it } from 'vitest';
import { isStorageFullError } from './storage-errors.js';

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('isStorageFullError', () => {
  it('recognises a full volume and an exceeded quota, also as the cause of another error', () => {
    expect(isStorageFullError(errno('ENOSPC'))).toBe(true);
    expect(isStorageFullError(errno('EDQUOT'))).toBe(true);
    expect(isStorageFullError(new Error('publish failed', { cause: errno('ENOSPC') }))).toBe(true);
  });

  it('is false for other failures and for things that are not errors', () => {
    for (const v of [errno('ENOENT'), errno('EIO'), new Error('No space'), null, undefined, 'ENOSPC', 28])
      expect(isStorageFullError(v)).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(isStorageFullError(a)).toBe(false);
  });
});
