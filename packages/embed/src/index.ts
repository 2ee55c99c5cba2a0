/**
 * `@reelkit/embed`: the `<reelkit-player>` web component.
 * @packageDocumentation
 */
export { ReelkitPlayer, defineReelkitPlayer } from './reelkit-player.js';
