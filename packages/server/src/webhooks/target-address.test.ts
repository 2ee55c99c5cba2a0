import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusedReason } from './target-address.js';

describe('refusedReason', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:0a00:0001::1', 'private'],
    ['localhost', 'invalid'],
    ['1.2.3', 'invalid'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusedReason(address)).toBe(reason);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '203.0.113.10',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
  ])('accepts the public address %s', (address) => {
    expect(refusedReason(address)).toBeNull();
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
