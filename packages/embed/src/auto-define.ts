// Entry of the IIFE build: a site includes one <script> and the element exists. The script's own
// origin becomes the default `api-base`, so the server's stable URL needs no other attribute.
import { ReelkitPlayer, defineReelkitPlayer } from './reelkit-player.js';

const script = typeof document !== 'undefined' ? document.currentScript : null;
if (script instanceof HTMLScriptElement && script.src && !ReelkitPlayer.defaultApiBase) {
  ReelkitPlayer.defaultApiBase = new URL(script.src).origin;
}
defineReelkitPlayer();
export * from './index.js';
