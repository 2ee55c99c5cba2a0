import { escapeHtml } from '../embed/embed-page.js';
import type { ErrorReferenceSection } from './error-reference.js';

/** `code spans` of our own texts, after escaping. */
const inline = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The page's stylesheet; its hash goes into the page's CSP. */
export const ERRORS_PAGE_CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:1.2rem 2rem}header a{color:#9cc2ff}
main{max-width:60rem;margin:0 auto;padding:1rem 2rem 4rem}
section.code{background:#fff;border:1px solid #d5d9e4;border-radius:6px;margin:.8rem 0;padding:.2rem 1rem}
section.code:target{border-color:#2456c9;box-shadow:0 0 0 2px #9cc2ff}
h3{font:600 16px ui-monospace,monospace}h3 a{color:inherit;text-decoration:none}
.s{font:600 12px ui-monospace,monospace;background:#5b6b86;color:#fff;border-radius:4px;padding:.1rem .4rem;margin-right:.5rem}
`;

/** `GET /docs/errors`: one section per code, its `id` the code, so `type` URLs land on it. */
export function renderErrorsPage(sections: readonly ErrorReferenceSection[]): string {
  const body = sections
    .map((section) => {
      const codes = section.rows
        .map((r) => {
          const badge = r.status !== undefined ? String(r.status) : r.permanent ? 'permanent' : 'retried';
          return `<section class="code" id="${escapeHtml(r.code)}">
<h3><a href="#${escapeHtml(r.code)}">${escapeHtml(r.code)}</a></h3>
<p><span class="s">${escapeHtml(badge)}</span><strong>${inline(r.title)}</strong></p>
<p>${inline(r.meaning)}</p>
<p><strong>What to do:</strong> ${inline(r.action)}</p>
</section>`;
        })
        .join('\n');
      return `<h2 id="${escapeHtml(section.id)}">${escapeHtml(section.heading)}</h2>\n<p>${inline(section.intro)}</p>\n${codes}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Reelkit error codes</title><style>${ERRORS_PAGE_CSS}</style></head>
<body><header><h1>Reelkit error codes</h1><p><a href="/docs">API reference</a></p></header>
<main>
${body}
</main></body></html>
`;
}
