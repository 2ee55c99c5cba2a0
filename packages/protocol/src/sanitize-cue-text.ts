/**
 * WebVTT cue text reduced to its own grammar (W3C WebVTT §4.2.2 cue text): the tags `<b> <i> <u>
 * <v> <c> <lang> <ruby> <rt>` and timestamp tags stay; any other markup (`<script>`, `<font>`,
 * `<img onerror>`, …) goes, and what a `<script>` or `<style>` element held goes with it. Text is
 * escaped so no `&`, `<` or `-->` survives outside those tags. Pure: used on uploads and on the
 * subtitle streams the transcoder extracts.
 */

const ALLOWED = new Set(['b', 'i', 'u', 'v', 'c', 'lang', 'ruby', 'rt']);
/** Elements whose content is code, not text: dropped whole. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style']);
const ENTITIES = new Set(['amp', 'lt', 'gt', 'lrm', 'rlm', 'nbsp']);
const TIMESTAMP_TAG = /^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}$/;
/** ASS/SSA override blocks (`{\an8}`, `{\i1}`) that SubRip files often carry. */
const ASS_OVERRIDE = /\{\\[^}]*\}/g;

function escapeText(text: string): string {
  return text
    .replace(/&(?!(?:[a-z]+|#\d+|#x[0-9a-f]+);)/gi, '&amp;')
    .replace(/&([a-z]+);/gi, (whole, name: string) =>
      ENTITIES.has(name.toLowerCase()) ? whole : `&amp;${name};`,
    )
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** One allowed opening tag rebuilt from its parts, or null when the tag is not allowed. */
function openingTag(body: string): string | null {
  const match = /^([a-z]+)((?:\.[^\s.<>&/]+)*)(?:[ \t]+([^>]*))?$/i.exec(body);
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  if (!ALLOWED.has(name)) return null;
  const classes = match[2] ?? '';
  const annotation = (match[3] ?? '').trim();
  // Only `<v>` and `<lang>` take an annotation (the speaker, the language tag).
  if (annotation && (name === 'v' || name === 'lang')) return `<${name}${classes} ${escapeText(annotation)}>`;
  return `<${name}${classes}>`;
}

/** Sanitises one cue's text (lines joined by `\n`); blank lines are removed, since one would end the cue. */
export function sanitizeCueText(text: string): string {
  let out = '';
  let dropping: string | null = null;
  const source = text.replace(/\r\n?/g, '\n').replace(ASS_OVERRIDE, '');
  const tag = /<(\/?)([^<>]*)>/g;
  let last = 0;
  for (let m = tag.exec(source); m; m = tag.exec(source)) {
    const before = source.slice(last, m.index);
    last = tag.lastIndex;
    if (!dropping) out += escapeText(before);
    const closing = m[1] === '/';
    const body = m[2]!.trim();
    const name = (/^[a-z]+/i.exec(body)?.[0] ?? '').toLowerCase();
    if (dropping) {
      if (closing && name === dropping) dropping = null;
      continue;
    }
    if (!closing && DROPPED_WITH_CONTENT.has(name)) {
      dropping = name;
      continue;
    }
    if (closing) {
      if (ALLOWED.has(name) && body.toLowerCase() === name) out += `</${name}>`;
      continue;
    }
    if (TIMESTAMP_TAG.test(body)) {
      out += `<${body}>`;
      continue;
    }
    out += openingTag(body) ?? '';
  }
  if (!dropping) out += escapeText(source.slice(last));
  return (
    out
      .split('\n')
      // eslint-disable-next-line no-control-regex -- control characters are what is removed
      .map((line) => line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trimEnd())
      .filter((line) => line.trim() !== '')
      .join('\n')
  );
}
