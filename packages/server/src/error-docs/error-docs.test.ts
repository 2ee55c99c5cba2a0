// Every problem `type` URL resolves: the API's answers point at `/docs/errors#<code>` on the API
// itself, and that page has an anchor for every code with its status, meaning and what to do.
import { ERROR_CODES, TRANSCODE_ERROR_CODES } from '@reelkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApi, type TestApi } from '../../../../test/support/api-server.js';
import { errorReference } from './error-reference.js';
import { renderErrorsMarkdown } from './render-errors-markdown.js';
import { renderErrorsPage } from './render-errors-page.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({}, { complete: true });
});

afterAll(async () => {
  await api?.close();
});

describe('the error reference', () => {
  it('lists every API and transcode code once, each with a meaning and what to do', () => {
    const rows = errorReference().flatMap((s) => s.rows);
    const codes = rows.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...new Set([...Object.keys(ERROR_CODES), ...Object.keys(TRANSCODE_ERROR_CODES)])]);
    for (const r of rows) {
      expect(r.meaning.length, r.code).toBeGreaterThan(10);
      expect(r.action.length, r.code).toBeGreaterThan(5);
    }
  });

  it('the page and the markdown have one anchor per code, with the status of API codes', () => {
    const sections = errorReference();
    const page = renderErrorsPage(sections);
    const md = renderErrorsMarkdown(sections);
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(page).toMatch(
        new RegExp(`<section class="code" id="${code}">\\s*<h3>.*\\s*<p><span class="s">${status}</span>`),
      );
      expect(md).toContain(`### ${code}\n\n**${status} · `);
    }
  });
});

describe('GET /docs/errors', () => {
  it('a problem answer’s type URL is served by the API and lands on the code’s anchor', async () => {
    const res = await call(api.url, 'GET', '/v1/videos/0123456789abcdef01234567', {});
    expect(res.status).toBe(401);
    const type = new URL(res.body.type as string);
    expect(`${type.origin}${type.pathname}`).toBe(`${api.config.PUBLIC_URL}/docs/errors`);
    expect(type.hash).toBe(`#${res.body.code as string}`);
    const page = await fetch(type);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    const html = await page.text();
    expect(html).toContain(`id="${res.body.code as string}"`);
  });

  it('every code the API can answer with resolves to an anchor of the served page', async () => {
    const html = await (await fetch(`${api.url}/docs/errors`)).text();
    for (const code of Object.keys(ERROR_CODES)) expect(html).toContain(`id="${code}"`);
  });
});
