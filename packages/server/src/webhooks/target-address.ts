import ipaddr from 'ipaddr.js';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address must not receive webhooks, or null when it is a global unicast address.
 * Pure: the SSRF guard checks every address a hostname resolves to with this, before connecting.
 * The ranges are ipaddr.js's classification of the IANA special-purpose registries, not a list of
 * our own; the reason is its range name in kebab-case (`carrier-grade-nat`, `unique-local`, …).
 */
export type RefusedReason =
  | 'unspecified'
  | 'broadcast'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'deprecated-site-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'special-purpose'
  | 'not-global'
  | 'invalid';

type V4Range = ReturnType<ipaddr.IPv4['range']>;
type V6Range = ReturnType<ipaddr.IPv6['range']>;

const V4_REASONS: Record<string, RefusedReason> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local', // incl. cloud metadata 169.254.169.254
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade-nat', // 100.64/10
  private: 'private',
  reserved: 'reserved', // incl. 192.0.0/24, documentation, benchmarking 198.18/15, 240/4
};

const V6_REASONS: Record<string, RefusedReason> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'deprecated-site-local',
  reserved: 'reserved', // incl. documentation 2001:db8::/32 and 3fff::/20
};

function classifyV4(address: ipaddr.IPv4): RefusedReason | null {
  const range: V4Range = address.range();
  if (range === 'unicast') return null;
  // as112, amt and whatever a later ipaddr.js adds: special purpose, not a webhook receiver.
  return V4_REASONS[range] ?? 'special-purpose';
}

function v4Of(parts: number[], at: number): ipaddr.IPv4 {
  const hi = parts[at]!;
  const lo = parts[at + 1]!;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/** Refuses what embeds a refused IPv4 address by its reason; the rest of the family by `fallback`. */
function judgeEmbedded(embedded: ipaddr.IPv4[], fallback: RefusedReason | null): RefusedReason | null {
  for (const v4 of embedded) {
    const reason = classifyV4(v4);
    if (reason) return reason;
  }
  return fallback;
}

function classifyV6(address: ipaddr.IPv6): RefusedReason | null {
  const g = address.parts;
  const range: V6Range = address.range();
  switch (range) {
    // ::ffff:a.b.c.d is the IPv4 address itself to the socket API: as good as that address.
    case 'ipv4Mapped':
      return classifyV4(address.toIPv4Address());
    // NAT64 64:ff9b::/96 and 6to4 2002::/16 reach the IPv4 address they embed (RFC 6052, 3056).
    case 'rfc6052':
      // The local-use 64:ff9b:1::/48 (RFC 8215) belongs to someone's own network: never global.
      return g[2] === 0 ? judgeEmbedded([v4Of(g, 6)], null) : 'not-global';
    case '6to4':
      return judgeEmbedded([v4Of(g, 1)], null);
    // Teredo 2001::/32 carries its server's IPv4 address and its client's, inverted (RFC 4380).
    case 'teredo':
      return judgeEmbedded([v4Of(g, 2), v4Of([g[6]! ^ 0xffff, g[7]! ^ 0xffff], 0)], 'not-global');
    // ::ffff:0:a.b.c.d, IPv4-translated (RFC 6145): not routed on the Internet.
    case 'rfc6145':
      return judgeEmbedded([v4Of(g, 6)], 'not-global');
    case 'unicast':
      // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291 §2.5.5.1): judge the IPv4 inside.
      if (g.slice(0, 6).every((x) => x === 0)) return judgeEmbedded([v4Of(g, 6)], 'not-global');
      // Global unicast is 2000::/3 (RFC 4291 §2.4); the rest is unassigned.
      return (g[0]! & 0xe000) === 0x2000 ? null : 'not-global';
    default:
      return V6_REASONS[range] ?? 'special-purpose';
  }
}

/** Classifies an IP address string (v4 or v6, brackets allowed); non-addresses are `invalid`. */
export function refusedReason(address: string): RefusedReason | null {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  // Only the dotted-decimal form is IPv4: ipaddr.js (like inet_aton) would also read `127.1`,
  // `0x7f.1` or octal parts, which a URL or a resolver never hands us as an address.
  if (isIPv4(a)) return classifyV4(ipaddr.IPv4.parse(a));
  if (isIPv6(a)) {
    try {
      return classifyV6(ipaddr.IPv6.parse(a));
    } catch {
      return 'invalid';
    }
  }
  return 'invalid';
}
