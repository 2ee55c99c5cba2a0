import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { refusedReason } from './target-address.js';

describe('refusedReason', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.255', 'carrier-grade-nat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.10', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::7f00:1', 'not-global'],
    ['64:ff9b:1::808:808', 'not-global'],
    ['2002:0a00:0001::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2001:0:7f00:1::', 'loopback'], // Teredo server 127.0.0.1
    ['2001:0:808:808::80ff:fffe', 'loopback'], // Teredo client ~7f00:0001
    ['2001:0:808:808::f7f7:f7f7', 'not-global'], // Teredo between public addresses
    ['::808:808', 'not-global'],
    ['1000::1', 'not-global'],
    ['localhost', 'invalid'],
    ['1.2.3', 'invalid'],
    ['127.1', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusedReason(address)).toBe(reason);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '2a00:1450:4001:82b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ])('accepts the public address %s', (address) => {
    expect(refusedReason(address)).toBeNull();
  });

  /** Refused IPv4 ranges the guard must hold, whatever ipaddr.js calls them. */
  const REFUSED_V4: Array<[string, number]> = [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ];

  const inRangeV4 = fc
    .tuple(fc.constantFrom(...REFUSED_V4), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([[base, bits], n]) => {
      const b = ipaddr.IPv4.parse(base).toByteArray();
      const baseN = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      const host = bits === 32 ? 0 : n % 2 ** (32 - bits);
      const v = (baseN + host) >>> 0;
      return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    });

  const hex = (n: number) => n.toString(16);
  const groupsOf = (o: number[]) => [hex((o[0]! << 8) | o[1]!), hex((o[2]! << 8) | o[3]!)];

  /** Every textual form a refused IPv4 address can take in an IPv6 address that reaches it. */
  function formsOfV4(o: number[]): string[] {
    const dotted = o.join('.');
    const [hi, lo] = groupsOf(o);
    const inv = groupsOf(o.map((x) => x ^ 0xff));
    return [
      dotted,
      `::ffff:${dotted}`,
      `::ffff:${hi}:${lo}`,
      `0:0:0:0:0:ffff:${dotted}`,
      `0000:0000:0000:0000:0000:FFFF:${hi!.padStart(4, '0')}:${lo!.padStart(4, '0')}`,
      `[::ffff:${dotted}]`,
      `::${dotted}`,
      `::${hi}:${lo}`,
      `::ffff:0:${dotted}`,
      `::ffff:0:${hi}:${lo}`,
      `64:ff9b::${dotted}`,
      `64:ff9b::${hi}:${lo}`,
      `64:FF9B:0:0:0:0:${hi}:${lo}`,
      `64:ff9b:1::${hi}:${lo}`,
      `2002:${hi}:${lo}::1`,
      `2002:${hi}:${lo}:ffff:ffff:ffff:ffff:ffff`,
      `2001:0:${hi}:${lo}::1`,
      `2001:0:808:808:0:ffff:${inv[0]}:${inv[1]}`,
    ];
  }

  it('refuses every address of a refused IPv4 range, in every IPv4 and IPv6 form that reaches it', () => {
    fc.assert(
      fc.property(inRangeV4, (o) => {
        for (const form of formsOfV4(o)) expect(refusedReason(form), form).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  /** IPv6 ranges that are not global unicast (or are, but special): prefix, bits. */
  const REFUSED_V6: Array<[string, number]> = [
    ['::', 128],
    ['::1', 128],
    ['fe80::', 10],
    ['fc00::', 7],
    ['fec0::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32],
    ['3fff::', 20],
    ['100::', 64],
    ['64:ff9b:1::', 48],
    ['4000::', 2], // 4000::/2 … outside 2000::/3
    ['8000::', 1],
    ['0100::', 8],
  ];

  const inRangeV6 = fc
    .tuple(
      fc.constantFrom(...REFUSED_V6),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    )
    .map(([[prefix, bits], random]) => {
      const base = ipaddr.IPv6.parse(prefix).parts;
      return base.map((g, i) => {
        const keep = Math.max(0, Math.min(16, bits - i * 16));
        const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
        return (g & mask) | (random[i]! & ~mask & 0xffff);
      });
    });

  it('refuses every address of a non-global IPv6 range, in full, compressed, upper-case and bracketed form', () => {
    fc.assert(
      fc.property(inRangeV6, (parts) => {
        const address = new ipaddr.IPv6(parts);
        const forms = [
          address.toNormalizedString(),
          parts.map((p) => p.toString(16).padStart(4, '0')).join(':'),
          address.toString(),
          address.toString().toUpperCase(),
          `[${address.toString()}]`,
        ];
        for (const form of forms) expect(refusedReason(form), form).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('judges an IPv4 address and its IPv4-mapped IPv6 form the same way', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(refusedReason(`::ffff:${v4}`)).toBe(refusedReason(v4));
      }),
    );
  });

  it('never throws and never accepts what is not an address', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = refusedReason(s);
        if (r === null) expect(/^[0-9a-fA-F:.[\]%a-z]+$/.test(s)).toBe(true);
      }),
    );
  });
});
