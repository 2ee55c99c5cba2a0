import { Types } from 'mongoose';
import { AppError } from '../http/app-error.js';

/** An opaque page cursor: the last `_id` of a page, base64url. */
export function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString(), 'hex').toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId {
  const bytes = /^[A-Za-z0-9_-]{16}$/.test(cursor) ? Buffer.from(cursor, 'base64url') : undefined;
  if (!bytes || bytes.length !== 12) {
    throw new AppError('validation_failed', 'cursor: not a cursor this API returned', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return new Types.ObjectId(bytes.toString('hex'));
}

/** Escapes a user string for use inside a RegExp (title search). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
