import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError, type FieldError } from './app-error.js';

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses with a zod schema or throws 400 `validation_failed` with field-level errors. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError('validation_failed', `The ${where} is not valid`, {
      errors: fieldErrors(result.error),
    });
  }
  return result.data;
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S): z.output<S> =>
  parseOr400(schema, ctx.request.body ?? {}, 'request body');

export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S): z.output<S> =>
  parseOr400(schema, ctx.query, 'query string');
