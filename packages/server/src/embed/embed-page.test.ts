import { describe, expect, it } from 'vitest';
import { embedCsp, frameAncestors, renderEmbedPage } from './embed-page.js';

describe('embed page', () => {
  it('lets any site frame a public video when the organisation lists no embed origins', () => {
    expect(frameAncestors({ visibility: 'public', embedOrigins: [] })).toEqual(['*']);
  });

  it('limits framing to the listed origins (and the token’s) otherwise', () => {
    expect(frameAncestors({ visibility: 'public', embedOrigins: ['https://a.example'] })).toEqual([
      "'self'",
      'https://a.example',
    ]);
    expect(frameAncestors({ visibility: 'unlisted', embedOrigins: [] })).toEqual(["'self'"]);
    expect(
      frameAncestors({
        visibility: 'private',
        embedOrigins: ['https://a.example'],
        tokenOrigins: ['https://b.example', 'https://a.example'],
      }),
    ).toEqual(["'self'", 'https://a.example', 'https://b.example']);
  });

  it('allows scripts from the API only and names the frame ancestors', () => {
    const csp = embedCsp({
      publicOrigin: 'https://v.example.com',
      frameAncestors: ["'self'", 'https://a.example'],
    });
    expect(csp).toContain("script-src 'self' https://v.example.com");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self' https://v.example.com wss://v.example.com");
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/a\.example$/);
  });

  it('escapes the title and attributes and links oEmbed discovery', () => {
    const html = renderEmbedPage({
      videoId: '0123456789abcdef01234567',
      title: '<script>alert(1)</script> & "quotes"',
      publicUrl: 'https://v.example.com',
      token: 'a"b',
      autoplay: true,
      muted: true,
      pageUrl: 'https://v.example.com/embed/0123456789abcdef01234567',
    });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('token="a&#34;b"');
    expect(html).toContain(' autoplay muted playsinline');
    expect(html).toContain(
      '<link rel="alternate" type="application/json+oembed" href="https://v.example.com/oembed?url=https%3A%2F%2Fv.example.com%2Fembed%2F0123456789abcdef01234567&#38;format=json"',
    );
    expect(html).toContain('<script src="https://v.example.com/embed/reelkit-player.js" defer></script>');
  });
});
