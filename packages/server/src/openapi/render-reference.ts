import type { JsonObject, OpenApiDocument } from './build-openapi.js';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `code spans` and **bold** of our own summaries, after escaping. */
const inline = (s: string) =>
  escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

const json = (v: unknown) => escapeHtml(JSON.stringify(v, null, 2));

/** The stylesheet of the page; its hash goes into the page's CSP. */
export const REFERENCE_CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:1.2rem 2rem}header a{color:#9cc2ff}
main{max-width:70rem;margin:0 auto;padding:1rem 2rem 4rem}
nav ul{columns:3;list-style:none;padding:0}nav a{color:#2456c9;text-decoration:none}
h2{margin-top:2.5rem;border-bottom:1px solid #d5d9e4;text-transform:capitalize}
details{background:#fff;border:1px solid #d5d9e4;border-radius:6px;margin:.5rem 0}
summary{cursor:pointer;padding:.5rem .8rem;display:flex;gap:.8rem;align-items:baseline}
.m{font:600 12px ui-monospace,monospace;text-transform:uppercase;padding:.1rem .4rem;border-radius:4px;color:#fff;min-width:3.5rem;text-align:center}
.get{background:#2c7be5}.post{background:#00a36c}.patch{background:#d68a00}.put{background:#8a5cd6}.delete{background:#d6334c}.head{background:#5b6b86}
.p{font:14px ui-monospace,monospace}.role{margin-left:auto;font-size:12px;color:#5b6b86}
.body{padding:0 1rem 1rem}pre{background:#f0f2f7;padding:.6rem;border-radius:4px;overflow:auto;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid #d5d9e4;padding:.2rem .5rem;text-align:left;font-size:13px}
`;

function operationHtml(method: string, path: string, op: JsonObject): string {
  const params = (op.parameters as JsonObject[] | undefined) ?? [];
  const responses = op.responses as Record<string, JsonObject>;
  const body = op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${
          p.required ? 'yes' : 'no'
        }</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
    )
    .join('');
  const bodies = Object.entries(body?.content ?? {})
    .map(([type, { schema }]) => `<p>Body <code>${escapeHtml(type)}</code></p><pre>${json(schema)}</pre>`)
    .join('');
  const answers = Object.entries(responses)
    .map(([status, r]) => {
      const ref = typeof r.$ref === 'string' ? r.$ref.split('/').pop() : undefined;
      return `<li><code>${status}</code> ${ref ? `problem+json (${escapeHtml(ref)})` : inline(String(r.description ?? ''))}</li>`;
    })
    .join('');
  return `<details id="${escapeHtml(String(op.operationId))}">
<summary><span class="m ${method}">${method}</span><span class="p">${escapeHtml(path)}</span><span>${inline(
    String(op.summary ?? ''),
  )}</span><span class="role">${escapeHtml(String(op['x-reelkit-role']))}</span></summary>
<div class="body"><p>${inline(String(op.description ?? ''))}</p>
${rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>` : ''}
${bodies}<p>Responses</p><ul>${answers}</ul></div></details>`;
}

/** A self-contained, script-free HTML reference of the document (no CDN, no JavaScript). */
export function renderReference(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = ((op.tags as string[] | undefined) ?? ['other'])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const tags = [...byTag.keys()].sort();
  const codes = Object.entries(doc.components.responses as Record<string, JsonObject>)
    .map(([name, r]) => `<li><strong>${escapeHtml(name)}</strong>: ${inline(String(r.description))}</li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title><style>${REFERENCE_CSS}</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${inline(doc.info.description ?? '')}</p><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1)</p></header>
<main><nav><ul>${tags.map((t) => `<li><a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a></li>`).join('')}</ul></nav>
${tags.map((t) => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>${byTag.get(t)!.join('\n')}`).join('\n')}
<h2>Errors</h2><ul>${codes}</ul></main></body></html>`;
}
