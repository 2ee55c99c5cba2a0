import { isValidObjectId } from 'mongoose';
import type { ErrorCode } from '@reelkit/protocol';
import { AppError } from './app-error.js';

/** A path id that is not an ObjectId cannot name anything: 404, like a missing document. */
export function objectIdOr404(id: string | undefined, code: ErrorCode): string {
  if (!id || !isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new AppError(code);
  return id;
}
