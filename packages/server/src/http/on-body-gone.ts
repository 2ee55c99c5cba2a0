import type { IncomingMessage } from 'node:http';

/**
 * Calls `onGone` once if the request's body will never end: its connection closed before the
 * last byte was read. Also when that happened before the call — a handler that awaited the
 * database first finds the request already closed, and a 'close' listener added then never fires
 * (a tus PATCH cut while its upload was looked up waited for its body for ever, its part's file
 * descriptor open). Returns a function that stops watching.
 */
export function onBodyGone(req: IncomingMessage, onGone: () => void): () => void {
  // A destroyed stream drops what it buffered: unless it already ended, nothing more comes.
  const check = () => {
    if (!req.readableEnded) onGone();
  };
  if (req.destroyed) {
    const pending = setImmediate(check);
    return () => clearImmediate(pending);
  }
  req.once('close', check);
  return () => req.off('close', check);
}
