import type { Caption, CaptionKind, CaptionList } from '@reelkit/protocol';
import { LitElement, css, html } from 'lit';
import { ApiResource } from '../api-resource.js';
import type { Session } from '../session.js';
import { shared } from '../styles.js';

// Types only from the protocol: its values would pull zod into the dashboard's bundle.
const KINDS: readonly CaptionKind[] = ['subtitles', 'captions'];

/**
 * The multipart body of `POST /v1/videos/:id/captions` from the upload form's fields: the API
 * wants `default` as `true`/`false` (a checkbox sends `on` or nothing) and no empty label (it then
 * names the track after its language).
 */
export function captionUploadBody(form: FormData): FormData {
  const body = new FormData();
  body.set('file', form.get('file') as Blob);
  body.set('language', String(form.get('language') ?? '').trim());
  const label = String(form.get('label') ?? '').trim();
  if (label) body.set('label', label);
  body.set('kind', String(form.get('kind') ?? 'subtitles'));
  body.set('default', form.get('default') ? 'true' : 'false');
  return body;
}

/**
 * A video's captions: the list for everyone, and for editors an upload form (WebVTT or SubRip,
 * language, label, kind, default), relabelling, making one the default, and deleting. The API's
 * problem+json message is shown as it is (a binary file: its 415 `caption_format_rejected`).
 */
export class RkVideoCaptions extends LitElement {
  static override properties = {
    session: { attribute: false },
    videoId: { attribute: false },
  };

  static override styles = [
    shared,
    css`
      td form {
        display: flex;
        gap: 0.4rem;
        margin: 0;
      }
      td input[name='label'] {
        min-width: 6rem;
      }
    `,
  ];

  session!: Session;
  videoId = '';
  private readonly captions = new ApiResource<Caption[]>(
    this,
    async (session) =>
      (await session.request<CaptionList>('GET', `/v1/videos/${this.videoId}/captions`)).items,
  );

  private path(caption?: Caption): string {
    return `/v1/videos/${this.videoId}/captions${caption ? `/${caption.id}` : ''}`;
  }

  private upload(e: SubmitEvent): Promise<void> {
    return this.captions.submit(e, (data) =>
      this.session.request('POST', this.path(), captionUploadBody(data)),
    );
  }

  private relabel(e: SubmitEvent, caption: Caption): Promise<void> {
    e.preventDefault();
    const label = String(new FormData(e.target as HTMLFormElement).get('label') ?? '').trim();
    return this.captions.run(() => this.session.request('PATCH', this.path(caption), { label }));
  }

  private toggleDefault(caption: Caption): Promise<void> {
    return this.captions.run(() =>
      this.session.request('PATCH', this.path(caption), { default: !caption.default }),
    );
  }

  private deleteCaption(caption: Caption): Promise<void> {
    if (!confirm(`Delete the caption “${caption.label}”?`)) return Promise.resolve();
    return this.captions.run(() => this.session.request('DELETE', this.path(caption)));
  }

  private row(c: Caption, editor: boolean) {
    return html`<tr data-caption-id=${c.id} data-language=${c.language}>
      <td><code>${c.language}</code></td>
      <td>
        ${
          editor
            ? html`<form @submit=${(e: SubmitEvent) => void this.relabel(e, c)}>
                <input
                  name="label"
                  .value=${c.label}
                  required
                  maxlength="100"
                  aria-label="Label of ${c.language}"
                />
                <button type="submit" class="secondary">Rename</button>
              </form>`
            : c.label
        }
      </td>
      <td>${c.kind}</td>
      <td data-testid="caption-default">
        ${c.default ? html`<span class="badge ready">default</span>` : ''}
      </td>
      <td class="muted">${c.source}</td>
      ${
        editor
          ? html`<td class="row" style="margin:0">
              <button class="secondary" @click=${() => void this.toggleDefault(c)}>
                ${c.default ? 'Unset default' : 'Make default'}
              </button>
              <button class="danger" @click=${() => void this.deleteCaption(c)}>Delete</button>
            </td>`
          : ''
      }
    </tr>`;
  }

  private uploadForm() {
    return html`<form data-testid="caption-upload" @submit=${(e: SubmitEvent) => void this.upload(e)}>
      <label
        >File (WebVTT or SubRip)<input name="file" type="file" required accept=".vtt,.srt,text/vtt"
      /></label>
      <div class="row">
        <label style="flex:1"
          >Language<input name="language" required maxlength="35" placeholder="en, pt-BR"
        /></label>
        <label style="flex:2">Label<input name="label" maxlength="100" placeholder="English" /></label>
        <label
          >Kind
          <select name="kind">
            ${KINDS.map((k) => html`<option value=${k}>${k}</option>`)}
          </select></label
        >
      </div>
      <div class="row">
        <label class="row" style="margin:0"><input name="default" type="checkbox" />Default</label>
        <button type="submit">Add caption</button>
      </div>
    </form>`;
  }

  override render() {
    const editor = this.session.can('editor');
    const list = this.captions.value;
    return html`<section class="card" data-testid="captions">
      <h2 style="margin-top:0">Captions</h2>
      ${this.captions.error ? html`<p class="error" role="alert">${this.captions.error}</p>` : ''}
      ${
        list === undefined
          ? html`<p class="muted">Loading…</p>`
          : list.length
            ? html`<table>
                <tr>
                  <th>Language</th>
                  <th>Label</th>
                  <th>Kind</th>
                  <th>Default</th>
                  <th>From</th>
                  ${editor ? html`<th></th>` : ''}
                </tr>
                ${list.map((c) => this.row(c, editor))}
              </table>`
            : html`<p class="muted">No captions yet.</p>`
      }
      ${editor ? this.uploadForm() : ''}
    </section>`;
  }
}
customElements.define('rk-video-captions', RkVideoCaptions);
