/**
 * Parses a tus `Upload-Metadata` header: comma-separated `key base64value` pairs (the value may be
 * absent). Returns null when the header is malformed (bad key, bad base64, duplicate key). Pure.
 */
export function parseUploadMetadata(header: string | undefined): Record<string, string> | null {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (header === undefined || header.trim() === '') return out;
  if (header.length > 16 * 1024) return null;
  for (const pair of header.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (!key || rest.length > 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(key) || key in out) return null;
    if (value === undefined || value === '') {
      out[key] = '';
      continue;
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return null;
    out[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return out;
}
