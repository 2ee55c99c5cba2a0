import { describe, expect, it } from 'vitest';
import { TargetRefusedError, resolveTarget, type LookupAll } from './resolve-target.js';

const never: LookupAll = () => Promise.reject(new Error('must not resolve'));
const answers =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(url: string, lookup: LookupAll = never, allowPrivate = false): Promise<string | null> {
  try {
    await resolveTarget(url, { allowPrivate, lookup });
    return null;
  } catch (err) {
    if (err instanceof TargetRefusedError) return err.message;
    throw err;
  }
}

describe('resolveTarget (the SSRF guard)', () => {
  it('judges IP literals without DNS, in every spelling the URL parser normalises', async () => {
    expect(await refusal('http://2130706433/')).toMatch(/loopback/);
    expect(await refusal('http://0x7f.1/')).toMatch(/loopback/);
    expect(await refusal('http://017700000001/')).toMatch(/loopback/);
    expect(await refusal('http://[::ffff:a9fe:a9fe]/')).toMatch(/link-local/);
    expect(await refusal('http://[fd00::1]:8443/')).toMatch(/unique-local/);
    expect(await refusal('https://93.184.215.10/')).toBeNull();
  });

  it('refuses a name when any of its addresses is internal, and pins the checked address', async () => {
    expect(await refusal('https://hooks.example/', answers('93.184.215.10', '10.1.2.3'))).toMatch(/private/);
    expect(await refusal('https://hooks.example/', answers('2606:4700::1111', '::1'))).toMatch(/loopback/);
    const target = await resolveTarget('https://hooks.example:8443/x#frag', {
      allowPrivate: false,
      lookup: answers('93.184.215.7'),
    });
    expect(target).toMatchObject({ address: '93.184.215.7', family: 4 });
    expect(target.url.toString()).toBe('https://hooks.example:8443/x');
  });

  it('refuses names that do not resolve, other schemes and credentials', async () => {
    expect(await refusal('https://nowhere.example/', answers())).toMatch(/does not resolve/);
    expect(await refusal('https://nowhere.example/', never)).toMatch(/does not resolve/);
    expect(await refusal('file:///etc/passwd')).toMatch(/http or https/);
    expect(await refusal('gopher://93.184.215.10/')).toMatch(/http or https/);
    expect(await refusal('https://a:b@93.184.215.10/')).toMatch(/Credentials/);
    expect(await refusal('not a url')).toMatch(/absolute URL/);
  });

  it('lets the operator allow private targets', async () => {
    expect(await refusal('http://127.0.0.1:9/', never, true)).toBeNull();
    expect(await refusal('http://hooks.internal/', answers('10.0.0.5'), true)).toBeNull();
  });
});
