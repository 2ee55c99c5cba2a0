import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUploadMetadata } from './upload-metadata.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseUploadMetadata', () => {
  it('decodes the tus example', () => {
    expect(parseUploadMetadata(`filename ${b64('world_domination_plan.pdf')},is_confidential`)).toEqual({
      filename: 'world_domination_plan.pdf',
      is_confidential: '',
    });
  });

  it.each(['a b c', 'bad=key aGk=', 'x aGk=,x aGk=', 'x not*base64', 'x aGk'])('refuses %j', (h) => {
    expect(parseUploadMetadata(h)).toBeNull();
  });

  it('round-trips any unicode values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), fc.string({ unit: 'grapheme' })),
        (meta) => {
          const header = Object.entries(meta)
            .map(([k, v]) => (v === '' ? k : `${k} ${b64(v)}`))
            .join(',');
          expect({ ...parseUploadMetadata(header) }).toEqual(meta);
        },
      ),
    );
  });
});
