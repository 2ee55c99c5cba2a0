import { describe, expect, it } from 'vitest';
import { CaptionFormatError, CaptionParseError, timestampMapLine } from './caption-cues.js';
import { readCaptionFile } from './read-caption-file.js';
import { sanitizeCueText } from './sanitize-cue-text.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readCaptionFile', () => {
  it('converts SubRip to WebVTT, keeping <b>/<i> and dropping <font> and ASS overrides', () => {
    const srt =
      '1\r\n00:00:01,500 --> 00:00:03,000\r\n{\\an8}<font color="red"><i>Hello</i></font>\r\n\r\n2\r\n00:01:00,000 --> 01:00:00,250\r\nBye & so\r\n';
    const out = readCaptionFile(bytes(srt));
    expect(out.format).toBe('srt');
    expect(out.vtt).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:01.500 --> 00:00:03.000\n<i>Hello</i>\n\n00:01:00.000 --> 01:00:00.250\nBye &amp; so\n',
    );
  });

  it('maps cue time 0 to the start of the fMP4 ladder (MPEGTS 0), and an uploaded map is not kept', () => {
    const vtt = 'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n00:01.000 --> 00:02.000\nHi\n';
    const out = readCaptionFile(bytes(vtt)).vtt.split('\n');
    expect(out.slice(0, 2)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000']);
    expect(out.filter((l) => l.startsWith('X-TIMESTAMP-MAP'))).toHaveLength(1);
    expect(timestampMapLine(1.5)).toBe('X-TIMESTAMP-MAP=MPEGTS:135000,LOCAL:00:00:00.000');
  });

  it('an SRT with <script> in a cue is sanitised: no script, no markup outside the cue grammar', () => {
    const srt =
      '1\n00:00:00,000 --> 00:00:02,000\nHi <script>alert(1)</script><img src=x onerror=alert(2)> there\n';
    expect(readCaptionFile(bytes(srt)).cues[0]!.text).toBe('Hi  there');
  });

  it('parses WebVTT, drops STYLE/NOTE blocks and unknown settings, keeps <v> and timestamps', () => {
    const vtt =
      '\uFEFFWEBVTT - title\n\nSTYLE\n::cue { color: red }\n\nNOTE hi\n\nintro\n00:01.000 --> 00:02.000 align:start region:r evil:1\n<v Bob>Hi</v> <00:01.500>there\n';
    const out = readCaptionFile(bytes(vtt));
    expect(out.vtt).toBe(
      'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:01.000 --> 00:00:02.000 align:start\n<v Bob>Hi</v> <00:01.500>there\n',
    );
  });

  it('refuses binary, non-UTF-8 and unknown formats as format errors (415)', () => {
    expect(() => readCaptionFile(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 1]))).toThrow(CaptionFormatError);
    expect(() => readCaptionFile(new Uint8Array([0xff, 0xfe, 0x41]))).toThrow(CaptionFormatError);
    expect(() => readCaptionFile(bytes('just some text\nno cues'))).toThrow(CaptionFormatError);
  });

  it('refuses bad timings and files without cues as parse errors (422) naming the line', () => {
    expect(() => readCaptionFile(bytes('1\n00:00:05,000 --> 00:00:01,000\nBack\n'))).toThrow(/line 2/);
    expect(() => readCaptionFile(bytes('WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nx\n'))).toThrow(
      CaptionParseError,
    );
    expect(() => readCaptionFile(bytes('WEBVTT\n'))).toThrow(CaptionParseError);
  });
});

describe('sanitizeCueText', () => {
  it('keeps the WebVTT cue grammar and escapes the rest', () => {
    expect(sanitizeCueText('<c.yellow>a</c> <ruby>漢<rt>kan</rt></ruby> <lang en>x</lang>')).toBe(
      '<c.yellow>a</c> <ruby>漢<rt>kan</rt></ruby> <lang en>x</lang>',
    );
    expect(sanitizeCueText('a --> b < c &lt; <b onclick=x>d</b>')).toBe('a --&gt; b &lt; c &lt; <b>d</b>');
    expect(sanitizeCueText('line\n\n<style>x{}</style>next')).toBe('line\nnext');
  });
});
