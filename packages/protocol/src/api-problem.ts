import { z } from 'zod';
import { ERROR_CODE_NAMES } from './code-names.js';
import type { ProblemDetails } from './error-codes.js';
import { describing } from './api-shape-check.js';

/** Every error answer: RFC 9457 problem details with a stable `code`. */
export const problemSchema = describing<ProblemDetails>()(
  z
    .strictObject({
      type: z.string().describe('A URL of the page that explains the code.'),
      title: z.string(),
      status: z.number().int(),
      code: z.enum(ERROR_CODE_NAMES),
      detail: z.string().optional(),
      errors: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .describe('Field-level validation errors.'),
      requestId: z.string().optional(),
    })
    .meta({ id: 'Problem', description: 'RFC 9457 problem details; `code` is stable and machine-readable.' }),
);
