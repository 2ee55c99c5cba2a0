import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppError } from './app-error.js';
import { parseOr400, validationMessage } from './validate.js';

const schema = z.object({
  language: z.string().regex(/^[a-z]{2}$/, 'must be two letters'),
  title: z.string(),
});

function refusal(value: unknown, where: Parameters<typeof parseOr400>[2]): AppError {
  try {
    parseOr400(schema, value, where);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('accepted');
}

describe('validation_failed messages', () => {
  it('name the part with the right verb, the first field and why', () => {
    const err = refusal({ language: 'Klingon', title: 'x' }, 'form fields');
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('The form fields are not valid: language: must be two letters');
    expect(refusal({ language: 'Klingon', title: 'x' }, 'request body').message).toBe(
      'The request body is not valid: language: must be two letters',
    );
  });

  it('count the other problems, which the errors array lists', () => {
    const err = refusal({ language: 'Klingon' }, 'query string');
    expect(err.message).toMatch(
      /^The query string is not valid: language: must be two letters \(and 1 more problem\)$/,
    );
    expect(err.errors?.map((e) => e.path)).toEqual(['language', 'title']);
  });

  it('leave out a path for the whole value, and read without any error', () => {
    expect(validationMessage('Upload-Metadata', [{ path: '(body)', message: 'Expected object' }])).toBe(
      'Upload-Metadata is not valid: Expected object',
    );
    expect(validationMessage('request body', [])).toBe('The request body is not valid');
  });
});
