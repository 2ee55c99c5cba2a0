// `npm run bench:soak [-- --short|--ci] [--duration=300] [--faults=database-restart,disk-full] [--json=f]`: the soak-and-fault run (issue 21). The
// full run writes its figures to docs/reliability.md; `--short` (about two minutes of load) and
// `--ci` (the short run with a lighter load, as `npm test` runs it) print them only, unless
// `--write`. Exits 1 when the verdict is FAIL.
import { writeFile } from 'node:fs/promises';
import { machineLine, writeBenchmarkSection } from '../lib/report.js';
import { FAULTS, faultSlug } from './faults.js';
import { soakMarkdown } from './report.js';
import { CI, FULL, SHORT, runSoak } from './run-soak.js';

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const short = ci || args.includes('--short');
const duration = /^--duration=(\d+)$/.exec(args.find((a) => a.startsWith('--duration=')) ?? '')?.[1];
const json = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
const only = args
  .find((a) => a.startsWith('--faults='))
  ?.slice('--faults='.length)
  .split(',');
const unknown = only?.filter((slug) => !FAULTS.some((f) => faultSlug(f) === slug));
if (unknown?.length) {
  console.error(`unknown fault(s) ${unknown.join(', ')}; known: ${FAULTS.map(faultSlug).join(', ')}`);
  process.exit(2);
}
const settings = {
  ...(ci ? CI : short ? SHORT : FULL),
  ...(duration ? { durationMs: Number(duration) * 1000 } : {}),
  ...(only ? { faults: FAULTS.filter((f) => only.includes(faultSlug(f))) } : {}),
};

const report = await runSoak({ ...settings, log: (line) => console.log(`[soak] ${line}`) });
const markdown = soakMarkdown(report, machineLine());
console.log(`\n${markdown}\n`);
if (json) await writeFile(json, JSON.stringify(report, null, 2));
if ((!short && !only && !duration) || args.includes('--write'))
  await writeBenchmarkSection(`## Soak run (${short ? 'short' : 'full'})`, markdown, 'docs/reliability.md');
process.exit(report.verdict.pass ? 0 : 1);
