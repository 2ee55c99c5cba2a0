// Entry point: registers the dashboard's elements and <reelkit-player>, then starts the app.
import { defineReelkitPlayer } from '@reelkit/embed';
import './app-root.js';

defineReelkitPlayer();
