// Builds the bundles the stack serves when their sources changed (see lib/bundles.mjs). A script of
// its own so set-up can run Rollup on the project's Node rather than the one set-up started on.
import { ensureBundles } from './lib/bundles.mjs';
import { runOrExit } from './lib/log.mjs';

await runOrExit(() => ensureBundles());
