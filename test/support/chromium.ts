// Kept for older imports: everything lives in test/support/browser.ts.
export { CHROMIUM_ARGS, launchChromium, serveSite, type StaticSite } from './browser.js';
