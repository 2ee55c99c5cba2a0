import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { refusedReason } from './target-address.js';

/** Resolves a hostname to every address (as `dns.lookup(host, { all: true })`). */
export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A webhook target the guard let through: connect to `address`, and only to it. */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

export const MAX_URL_LENGTH = 2048;

/** Checks the shape of a webhook URL (no DNS): http(s), a host, no credentials, no fragment. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('Not an absolute URL');
  }
  if (raw.length > MAX_URL_LENGTH) throw new TargetRefusedError(`Longer than ${MAX_URL_LENGTH} characters`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TargetRefusedError('Use http or https');
  if (url.username || url.password) throw new TargetRefusedError('Credentials in the URL are not allowed');
  if (!url.hostname) throw new TargetRefusedError('The URL has no host');
  url.hash = '';
  return url;
}

/**
 * The SSRF guard. Resolves the URL's host (every address) and refuses it when any address is
 * private, loopback, link-local, unique-local, multicast, reserved or unspecified — unless the
 * operator allows private targets. Runs at creation and again before every delivery, and the
 * delivery then connects to the address checked here (never resolving again), so a DNS answer
 * that changes in between (rebinding) cannot send the request inside.
 */
export async function resolveTarget(
  raw: string,
  options: { allowPrivate: boolean; lookup?: LookupAll },
): Promise<ResolvedTarget> {
  const url = parseWebhookUrl(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (options.lookup ?? defaultLookup)(host);
    } catch {
      throw new TargetRefusedError(`The host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new TargetRefusedError(`The host ${host} does not resolve`);
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusedReason(address);
      if (reason)
        throw new TargetRefusedError(`The host ${host} resolves to a ${reason} address (${address})`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
