// Entry of the IIFE build: a site includes one <script> and the element exists.
import { defineReelkitPlayer } from './reelkit-player.js';

defineReelkitPlayer();
export * from './index.js';
