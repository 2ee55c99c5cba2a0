import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError, type FieldError } from './app-error.js';

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** What was validated, as the sentence names it. */
const SUBJECTS = {
  'request body': 'The request body is',
  'query string': 'The query string is',
  'form fields': 'The form fields are',
  'Upload-Metadata': 'Upload-Metadata is',
} as const;
export type ValidatedPart = keyof typeof SUBJECTS;

/**
 * The human message of a `validation_failed`: what was not valid and why, naming the first field
 * (the `errors` array lists them all), e.g. "The form fields are not valid: language: Invalid
 * language tag (and 1 more problem)".
 */
export function validationMessage(where: ValidatedPart, errors: readonly FieldError[]): string {
  const head = `${SUBJECTS[where]} not valid`;
  const [first, ...rest] = errors;
  if (!first) return head;
  const field = first.path === '(body)' ? '' : `${first.path}: `;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return `${head}: ${field}${first.message}${more}`;
}

/** Parses with a zod schema or throws 400 `validation_failed` with field-level errors. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: ValidatedPart,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new AppError('validation_failed', validationMessage(where, errors), { errors });
  }
  return result.data;
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S): z.output<S> =>
  parseOr400(schema, ctx.request.body ?? {}, 'request body');

export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S): z.output<S> =>
  parseOr400(schema, ctx.query, 'query string');
