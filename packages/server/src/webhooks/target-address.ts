import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address must not receive webhooks, or null when it is a public unicast address.
 * Pure: the SSRF guard checks every address a hostname resolves to with this, before connecting.
 */
export type RefusedReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type V4Range = [base: number, bits: number, reason: RefusedReason];

const V4_RANGES: V4Range[] = [
  [ip4('0.0.0.0'), 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  [ip4('10.0.0.0'), 8, 'private'],
  [ip4('100.64.0.0'), 10, 'private'], // carrier-grade NAT
  [ip4('127.0.0.0'), 8, 'loopback'],
  [ip4('169.254.0.0'), 16, 'link-local'], // incl. cloud metadata 169.254.169.254
  [ip4('172.16.0.0'), 12, 'private'],
  [ip4('192.0.0.0'), 24, 'reserved'], // IETF protocol assignments
  [ip4('192.168.0.0'), 16, 'private'],
  [ip4('198.18.0.0'), 15, 'private'], // benchmarking, often internal
  [ip4('224.0.0.0'), 4, 'multicast'],
  [ip4('240.0.0.0'), 4, 'reserved'], // incl. broadcast 255.255.255.255
];

function ip4(s: string): number {
  return s.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function classifyV4(n: number): RefusedReason | null {
  for (const [base, bits, reason] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return reason;
  }
  return null;
}

/** Eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail and zone id allowed). */
function groupsOfV6(address: string): number[] | null {
  let s = address.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = ip4(tail[1]!);
    s = `${s.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<number>(rest === undefined ? 0 : missing).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}

function classifyV6(g: number[]): RefusedReason | null {
  const v4At = (i: number) => g[i]! * 65536 + g[i + 1]!;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: judge the IPv4 address inside.
  if (zeros(0, 5) && g[5] === 0xffff) return classifyV4(v4At(6));
  if (zeros(0, 6)) return classifyV4(v4At(6)) ?? 'reserved';
  // NAT64 64:ff9b::/96 and 6to4 2002::/16 reach the IPv4 address they embed.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyV4(v4At(6));
  if (g[0] === 0x2002) return classifyV4(v4At(1));
  const first = g[0]!;
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (first === 0x0100 && zeros(1, 4)) return 'reserved'; // discard-only 100::/64
  return null;
}

/** Classifies an IP address string (v4 or v6, brackets allowed); non-addresses are `invalid`. */
export function refusedReason(address: string): RefusedReason | null {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(a)) return classifyV4(ip4(a));
  if (isIPv6(a)) {
    const groups = groupsOfV6(a);
    return groups ? classifyV6(groups) : 'invalid';
  }
  return 'invalid';
}
