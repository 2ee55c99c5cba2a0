/** Thrown for a key that could escape its folder or is not one we generate. */
export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Keys are `/`-separated segments of letters, digits, `_`, `-` and `.`, never `.` or `..`, never
 * absolute, never empty. Anything else is refused before it reaches the file system.
 */
export function assertStorageKey(key: string, { prefix = false } = {}): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidStorageKeyError(key, 'empty or too long');
  const segments = key.split('/');
  if (prefix && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..' || segment.includes('..')) {
      throw new InvalidStorageKeyError(key, `bad segment ${JSON.stringify(segment)}`);
    }
  }
}

/** Builds keys from ids only: `<orgId>/<videoId>/<...parts>`. */
export function videoKey(orgId: string, videoId: string, ...parts: string[]): string {
  const key = [orgId, videoId, ...parts].join('/');
  assertStorageKey(key);
  return key;
}

/** The folder of one video, as a prefix for list and delete. */
export function videoPrefix(orgId: string, videoId: string): string {
  return videoKey(orgId, videoId) + '/';
}
