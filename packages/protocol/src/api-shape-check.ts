import type { z } from 'zod';

/** True when `A` and `B` are the same type (not merely assignable one way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Returns `schema`, and fails typecheck unless its output is exactly `T`: a field added to a
 * protocol type (or to its schema) must be added to the other too, so the API docs never drift.
 */
export function describing<T>() {
  return <S extends z.ZodType>(schema: S & (Equals<z.output<S>, T> extends true ? unknown : never)): S =>
    schema;
}
