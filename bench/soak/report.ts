// The soak report as Markdown, for docs/reliability.md and the console.
import { phaseTable } from './figures.js';
import { growthLine } from './process-usage.js';
import type { SoakReport } from './run-soak.js';

const s = (ms: number) => (ms / 1000).toFixed(1);

export function soakMarkdown(r: SoakReport, machine: string): string {
  const o = r.options;
  const u = r.uploads;
  const lost = Math.max(0, u.started - u.identical - u.failedWithCode);
  const codes = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k} × ${v}`)
      .join(', ') || 'none';
  return [
    `**Verdict: ${r.verdict.pass ? 'PASS' : 'FAIL'}**${r.verdict.reasons.length ? ` — ${r.verdict.reasons.join('; ')}` : ''}`,
    '',
    `Load for ${s(r.loadMs)} s: ${o.viewers} HLS viewers at playback pace, ${o.readers} range readers, ` +
      `${o.uploaders} uploaders (tus, every third cut and resumed; multipart), ${o.sockets} socket.io clients, ` +
      `a hostile request every ${o.hostileEveryMs} ms and ${o.slowloris} slowloris connections. ` +
      `${machine}.`,
    '',
    '### Requests per phase',
    '',
    'A phase runs from its fault to the next; 5xx or no answer counts as a violation outside the ' +
      "fault's window (its start to 3 s after it recovered), and inside it unless a 503 (or 507 " +
      '`storage_full`) with a code and Retry-After; a request in flight during a window belongs to it. ' +
      'p50/p99 are of segment fetches.',
    '',
    phaseTable(r.phases),
    ...(r.violations.length
      ? [
          '',
          'Requests that broke the rules (first 20; times in s after the load started):',
          '',
          ...r.violations.map(
            (v) =>
              `- sent at ${s(v.at - v.latencyMs)}: ${v.method} ${v.path} (API ${v.api}) → ` +
              `${v.status || 'no answer'}${v.code ? ` ${v.code}` : ''} after ${s(v.latencyMs)} s`,
          ),
        ]
      : []),
    '',
    '### Faults',
    '',
    '| fault | at (s) | recovered after (s) | what happened |',
    '|---|---|---|---|',
    ...r.faults.map((f) => `| ${f.name} | ${s(f.start)} | ${s(f.recoverMs)} | ${f.note} |`),
    '',
    '### Uploads and videos',
    '',
    '| uploads started | byte-identical | failed with a code | **lost** | retries | codes seen |',
    '|---|---|---|---|---|---|',
    `| ${u.started} | ${u.identical} | ${u.failedWithCode} | **${lost}** | ${u.retries} | ${codes(u.codes)} |`,
    '',
    '| videos ready | failed (codes) | **stuck** | jobs run twice |',
    '|---|---|---|---|',
    `| ${r.videos.ready} | ${r.videos.failed} (${codes(r.videos.failedCodes)}) | **${r.videos.stuck.length}** | ${r.jobsRunTwice} |`,
    ...[
      ...u.lost.map((l) => `- LOST: ${l}`),
      ...u.failures.map((f) => `- failed with a code: ${f}`),
      ...r.videos.stuck.map((v) => `- STUCK: ${v}`),
    ],
    '',
    `Drained in ${s(r.drainMs)} s after the load stopped (until no video was open and no job pending). ` +
      `The harness's own event loop was late by ${r.harnessLag.p99Ms} ms at p99, ${r.harnessLag.maxMs} ms at most.`,
    ...(r.slowRequests.length
      ? [
          '',
          `Requests the APIs took 5 s or more to answer (${r.slowRequests.length}; first 20; times in s after the load started):`,
          '',
          ...r.slowRequests.slice(0, 20).map((l) => `- ${l}`),
        ]
      : []),
    '',
    '### Clients',
    '',
    `Socket.io: ${r.sockets.clients} clients, ${r.sockets.connected} connected at the end, ` +
      `${r.sockets.reconnectedClients} reconnected (${r.sockets.reconnects} reconnections), ` +
      `**${r.sockets.missed} events missed** (${r.sockets.missedWithoutReconnect} of them on clients that never reconnected); ` +
      `handshakes refused: ${codes(r.sockets.refusals)}. ` +
      `Hostile: ${r.hostile.sent} sent, ${r.hostile.notRefused} not answered 4xx (inside fault windows they may be 503); ` +
      `${r.hostile.slowlorisClosed} slowloris connections closed by the server, the longest after ${r.hostile.slowlorisLongestS.toFixed(0)} s.`,
    '',
    '### Processes (fds and RSS after warm-up and at the end of their latest life)',
    '',
    'Judged flat (APIs and workers): non-socket descriptors (files, pipes) within +20 and RSS within ×1.5; ' +
      'sockets come and go with clients. Redis and the database are reported, not judged. ' +
      'The end sample is taken once the load stopped, the queue drained and 5 s passed (the delivery ' +
      "path's descriptor cache closes what it holds within 1 s). " +
      '"Changed" names the non-socket descriptors whose count moved, by kind (`storage <area>` is a stored ' +
      "file by its video folder's area, `deleted` one unlinked while open); the JSON report (`--json`) lists every target.",
    '',
    '| process | starts | non-socket fds start → end | changed (end − start) | all fds start → end | RSS MiB start → end |',
    '|---|---|---|---|---|---|',
    ...r.usage.map(
      (p) =>
        `| ${p.name} | ${p.starts} | ${p.fdsStart} → ${p.fdsEnd} | ${growthLine(p.fdGrowth)} | ${p.allFdsStart} → ${p.allFdsEnd} | ${p.rssStartMiB} → ${p.rssEndMiB} |`,
    ),
  ].join('\n');
}
