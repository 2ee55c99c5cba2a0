/**
 * `@reelkit/player-sdk`: play Reelkit videos and talk to the Reelkit API.
 * @packageDocumentation
 */
export { ReelkitError } from './reelkit-error.js';
export type { ErrorCode, ProblemDetails } from '@reelkit/protocol';

/** The SDK's version. */
export const VERSION = '0.1.0';
