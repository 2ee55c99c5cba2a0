import { describe, expect, it } from 'vitest';
import { oembedSize, oembedVideo, parseVideoUrl } from './oembed.js';

const ID = '0123456789abcdef01234567';

describe('oEmbed', () => {
  it('reads embed and watch URLs of the API’s origin, with their token', () => {
    expect(parseVideoUrl(`https://v.example.com/embed/${ID}`, 'https://v.example.com')).toEqual({
      videoId: ID,
      token: undefined,
    });
    expect(parseVideoUrl(`https://v.example.com/watch/${ID}?token=t1`, 'https://v.example.com')).toEqual({
      videoId: ID,
      token: 't1',
    });
    expect(parseVideoUrl(`https://v.example.com/base/embed/${ID}`, 'https://v.example.com/base')).toEqual({
      videoId: ID,
      token: undefined,
    });
  });

  it('refuses other origins, paths and malformed ids', () => {
    expect(parseVideoUrl(`https://evil.example/embed/${ID}`, 'https://v.example.com')).toBeUndefined();
    expect(parseVideoUrl(`https://v.example.com/v1/videos/${ID}`, 'https://v.example.com')).toBeUndefined();
    expect(parseVideoUrl('https://v.example.com/embed/nope', 'https://v.example.com')).toBeUndefined();
    expect(parseVideoUrl('not a url', 'https://v.example.com')).toBeUndefined();
  });

  it('sizes the frame from the aspect ratio and fits maxwidth and maxheight without upscaling', () => {
    expect(oembedSize(16 / 9)).toEqual({ width: 640, height: 360 });
    expect(oembedSize(16 / 9, 320)).toEqual({ width: 320, height: 180 });
    expect(oembedSize(16 / 9, 2000)).toEqual({ width: 640, height: 360 });
    expect(oembedSize(9 / 16, undefined, 400)).toEqual({ width: 225, height: 400 });
    expect(oembedSize(null)).toEqual({ width: 640, height: 360 });
    expect(oembedSize(9 / 16)).toEqual({ width: 360, height: 640 });
  });

  it('answers an escaped iframe of the embed page', () => {
    const answer = oembedVideo({
      title: 'A "title"',
      embedUrl: `https://v.example.com/embed/${ID}`,
      providerName: 'Reelkit',
      providerUrl: 'https://v.example.com',
      width: 640,
      height: 360,
    });
    expect(answer.type).toBe('video');
    expect(answer.html).toBe(
      `<iframe src="https://v.example.com/embed/${ID}" width="640" height="360" title="A &#34;title&#34;" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; encrypted-media" allowfullscreen></iframe>`,
    );
  });
});
