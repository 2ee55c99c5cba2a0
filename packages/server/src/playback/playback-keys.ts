/**
 * Playback signing keys: `PLAYBACK_KEYS=kid1:secret1,kid2:secret2`. The first key signs new tokens;
 * every listed key verifies. Rotation: put a new key first and keep the old one listed until its
 * tokens have expired; retiring a key (removing it) revokes every token it signed.
 */
export interface PlaybackKey {
  kid: string;
  secret: string;
}

export interface PlaybackKeyring {
  signing: PlaybackKey;
  byKid: ReadonlyMap<string, PlaybackKey>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses the keyring; throws an Error naming the problem (the config module turns it into a ConfigError). */
export function parsePlaybackKeys(raw: string, minSecretBytes = 32): PlaybackKeyring {
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      const kid = i > 0 ? entry.slice(0, i) : '';
      const secret = i > 0 ? entry.slice(i + 1) : '';
      if (!KID.test(kid))
        throw new Error(`each key must be kid:secret with a kid of 1-32 letters, digits, _ or -`);
      if (Buffer.byteLength(secret) < minSecretBytes)
        throw new Error(`the secret of key "${kid}" must be at least ${minSecretBytes} bytes`);
      return { kid, secret };
    });
  if (keys.length === 0) throw new Error('at least one key is required');
  const byKid = new Map<string, PlaybackKey>();
  for (const k of keys) {
    if (byKid.has(k.kid)) throw new Error(`key id "${k.kid}" appears twice`);
    byKid.set(k.kid, k);
  }
  return { signing: keys[0]!, byKid };
}
