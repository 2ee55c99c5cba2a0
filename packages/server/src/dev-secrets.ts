import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development secrets live in `<state>/secrets.json` (mode 0600), generated once so tokens survive
 * restarts. Several processes may start at once: the file is written to a temp name and renamed,
 * and whoever loses the race reads the winner's value.
 */
export function getOrCreateDevSecret(stateDir: string, name: string): string {
  const file = join(stateDir, 'secrets.json');
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  const existing = read()[name];
  if (existing) return existing;
  mkdirSync(stateDir, { recursive: true });
  const next = { ...read(), [name]: randomBytes(48).toString('base64url') };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, JSON.stringify(next, null, 2), { mode: 0o600 });
  renameSync(temp, file);
  return read()[name] ?? (next[name] as string);
}
