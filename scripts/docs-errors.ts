// `npm run docs:errors`: writes docs/errors.md from protocol's code lists, the same source as the
// API's `/docs/errors` page. A test (error-docs.test.ts) fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { errorReference, renderErrorsMarkdown } from '../packages/server/src/error-docs/index.js';

export const ERRORS_MD = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

/** docs/errors.md as it should be: rendered, then formatted as `prettier --write` would. */
export async function errorsMarkdown(): Promise<string> {
  const options = (await resolveConfig(ERRORS_MD)) ?? {};
  return format(renderErrorsMarkdown(errorReference()), { ...options, filepath: ERRORS_MD });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const next = await errorsMarkdown();
  if (readFileSync(ERRORS_MD, { encoding: 'utf8', flag: 'a+' }) !== next) writeFileSync(ERRORS_MD, next);
  console.log(`docs/errors.md is up to date`);
}
