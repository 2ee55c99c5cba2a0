import type { PlaybackInfo, Subscription, Video } from '@reelkit/player-sdk';
import { LitElement, css, html } from 'lit';
import { formatBytes, formatDate, formatDuration } from '../format.js';
import { Session } from '../session.js';
import { shared } from '../styles.js';
import './video-captions.js';

/** The embed code a site pastes: the script tag and the element (the token comes from its backend). */
export function embedSnippet(apiBase: string, video: Pick<Video, 'id' | 'visibility'>): string {
  const token = video.visibility === 'public' ? '' : '\n  token="PLAYBACK_TOKEN_FROM_YOUR_BACKEND"';
  return `<script src="${apiBase}/embed/reelkit-player.js" defer></script>
<reelkit-player
  video-id="${video.id}"
  api-base="${apiBase}"${token}
></reelkit-player>`;
}

/** The first sprite image referenced by a storyboard WebVTT, resolved against the VTT's URL. */
export function spriteOf(vtt: string, vttUrl: string): string | null {
  const line = vtt.split('\n').find((l) => /\.(jpe?g|png|webp)(#|$)/i.test(l.trim()));
  return line ? new URL(line.trim().split('#')[0]!, vttUrl).toString() : null;
}

/**
 * One video: the player (`<reelkit-player>` with a playback token minted for this member),
 * metadata, renditions, poster, storyboard, sensitivity and its reasons, captions (`rk-video-captions`)
 * and the embed snippet.
 */
export class RkVideoView extends LitElement {
  static override properties = {
    session: { attribute: false },
    videoId: { attribute: false },
    video: { state: true },
    playback: { state: true },
    sprite: { state: true },
    error: { state: true },
    copied: { state: true },
  };

  static override styles = [
    shared,
    css`
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 2fr) minmax(0, 1fr);
        gap: 1rem;
        align-items: start;
      }
      reelkit-player {
        width: 100%;
        border-radius: 8px;
        overflow: hidden;
      }
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.3rem 1rem;
        margin: 0;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
      }
      img {
        max-width: 100%;
        border-radius: 6px;
        border: 1px solid var(--line);
      }
      .sprite {
        max-height: 14rem;
        overflow: auto;
      }
    `,
  ];

  session!: Session;
  videoId = '';
  video: Video | null = null;
  playback: PlaybackInfo | null = null;
  sprite: string | null = null;
  error = '';
  copied = false;
  private sub: Subscription | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.sub = this.session.client.subscribe(
      this.videoId,
      (e) => {
        if (e.type === 'progress' && this.video && this.video.status !== 'ready') {
          this.video = {
            ...this.video,
            status: 'processing',
            progress: { stage: e.stage, percent: e.percent },
          };
        } else if (
          e.type === 'ready' ||
          e.type === 'failed' ||
          (e.type === 'state' && e.status !== this.video?.status)
        ) {
          void this.load();
        } else if (e.type === 'deleted') {
          location.hash = '#/videos';
        }
      },
      { getToken: async () => this.session.token ?? '' },
    );
  }

  override disconnectedCallback(): void {
    this.sub?.close();
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    try {
      const client = this.session.client;
      this.video = await client.videos.get(this.videoId);
      if (this.video.status !== 'ready') return;
      // A playback token for this member; the player renews nothing here, an hour is plenty.
      const minted = await client.videos.createPlaybackToken(this.videoId, { ttlSeconds: 3600 });
      this.playback =
        minted.playback ?? (await client.videos.playback(this.videoId, { token: minted.token }));
      if (this.playback.storyboard) {
        const vttUrl = this.playback.storyboard;
        const res = await fetch(vttUrl);
        if (res.ok) this.sprite = spriteOf(await res.text(), vttUrl);
      }
    } catch (err) {
      this.error = Session.messageOf(err);
    }
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    try {
      this.video = await this.session.client.videos.update(this.videoId, {
        title: String(data.get('title')),
        description: String(data.get('description') ?? ''),
        visibility: String(data.get('visibility')) as Video['visibility'],
      });
      this.error = '';
    } catch (err) {
      this.error = Session.messageOf(err);
    }
  }

  private async deleteVideo(): Promise<void> {
    if (!confirm(`Delete “${this.video?.title}” and every file made from it?`)) return;
    try {
      await this.session.client.videos.delete(this.videoId);
      location.hash = '#/videos';
    } catch (err) {
      this.error = Session.messageOf(err);
    }
  }

  private async copy(snippet: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(snippet);
    } catch {
      // No clipboard permission: select the text so Ctrl-C works.
      const pre = this.renderRoot.querySelector('pre[data-testid="embed-snippet"]');
      if (pre) getSelection()?.selectAllChildren(pre);
    }
    this.copied = true;
    setTimeout(() => (this.copied = false), 2000);
  }

  /**
   * The API's public origin for the snippet: the signed URLs start with PUBLIC_URL, which is where
   * other sites must load the script from even when this page is served elsewhere (vite dev).
   */
  private publicApiBase(): string {
    const signed = this.playback?.hls ?? this.playback?.poster;
    return signed?.includes('/v1/play/') ? signed.split('/v1/play/')[0]! : this.session.apiBase;
  }

  private player(v: Video) {
    if (v.status === 'ready' && this.playback?.token) {
      return html`<reelkit-player
        video-id=${v.id}
        api-base=${this.publicApiBase()}
        token=${this.playback.token}
        poster=${this.playback.poster ?? ''}
      ></reelkit-player>`;
    }
    if (v.status === 'failed')
      return html`<p class="error">Processing failed: ${v.error?.message} (${v.error?.code})</p>`;
    return html`<div class="card">
      <p>Processing: <strong>${v.progress.stage}</strong> ${Math.round(v.progress.percent)}%</p>
      <progress max="100" value=${v.progress.percent}></progress>
    </div>`;
  }

  override render() {
    const v = this.video;
    if (!v)
      return html`${this.error ? html`<p class="error">${this.error}</p>` : html`<p class="muted">Loading…</p>`}`;
    const m = v.metadata;
    const editor = this.session.can('editor');
    const snippet = embedSnippet(this.publicApiBase(), v);
    return html`
      <p><a href="#/videos">← Videos</a></p>
      <div class="row" style="justify-content:space-between">
        <h1>${v.title}</h1>
        <span class="badge ${v.status}" data-testid="video-status">${v.status}</span>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="grid">
        <div>
          ${this.player(v)}
          <section class="card" style="margin-top:1rem">
            <h2 style="margin-top:0">Embed</h2>
            <p class="muted">
              Paste on a site listed under Embed origins.
              ${
                v.visibility === 'public'
                  ? 'The video is public: no token needed.'
                  : 'Your backend mints the token with an API key: POST /v1/videos/:id/playback-tokens.'
              }
            </p>
            <pre data-testid="embed-snippet">${snippet}</pre>
            <button @click=${() => void this.copy(snippet)}>
              ${this.copied ? 'Copied' : 'Copy snippet'}
            </button>
          </section>
          ${
            this.playback?.poster || this.sprite
              ? html`<section class="card">
                  <h2 style="margin-top:0">Poster and storyboard</h2>
                  <div class="row" style="align-items:start">
                    ${
                      this.playback?.poster
                        ? html`<img src=${this.playback.poster} alt="Poster" style="max-width:45%" />`
                        : ''
                    }
                    ${
                      this.sprite
                        ? html`<div class="sprite"><img src=${this.sprite} alt="Storyboard sprite" /></div>`
                        : ''
                    }
                  </div>
                </section>`
              : ''
          }
        </div>
        <div>
          <section class="card">
            <h2 style="margin-top:0">Details</h2>
            <dl>
              <dt>Visibility</dt>
              <dd>${v.visibility}</dd>
              <dt>Duration</dt>
              <dd>${formatDuration(m?.duration)}</dd>
              <dt>Source</dt>
              <dd>${m ? `${m.width}×${m.height}` : '—'} · ${formatBytes(v.source?.size)}</dd>
              <dt>File</dt>
              <dd>${v.source?.originalName ?? '—'}</dd>
              <dt>Created</dt>
              <dd>${formatDate(v.createdAt)}</dd>
            </dl>
          </section>
          <section class="card">
            <h2 style="margin-top:0">Renditions</h2>
            ${
              v.renditions.length
                ? html`<table>
                    <tr>
                      <th>Rung</th>
                      <th>Size</th>
                      <th>Bitrate</th>
                    </tr>
                    ${v.renditions.map(
                      (r) =>
                        html`<tr>
                          <td>${r.rung}p</td>
                          <td>${r.width}×${r.height}</td>
                          <td>${Math.round(r.bandwidth / 1000)} kb/s</td>
                        </tr>`,
                    )}
                  </table>`
                : html`<p class="muted">None yet.</p>`
            }
          </section>
          <section class="card" data-testid="sensitivity">
            <h2 style="margin-top:0">Sensitivity</h2>
            ${
              v.sensitivity
                ? html`<p>
                      <span class="badge ${v.sensitivity.label}">${v.sensitivity.label}</span>
                      <span data-testid="sensitivity-score">score ${v.sensitivity.score}/100</span>
                    </p>
                    ${
                      v.sensitivity.reasons.length
                        ? html`<ul>
                            ${v.sensitivity.reasons.map((r) => html`<li>${r.message} <span class="muted">(−${r.penalty}, ${r.code})</span></li>`)}
                          </ul>`
                        : html`<p class="muted">No reasons: nothing lowered the score.</p>`
                    }`
                : html`<p class="muted">Scored once processing finishes.</p>`
            }
          </section>
          <rk-video-captions .session=${this.session} .videoId=${v.id}></rk-video-captions>
          ${
            editor
              ? html`<form class="card" @submit=${(e: SubmitEvent) => void this.save(e)}>
                  <h2 style="margin-top:0">Edit</h2>
                  <label>Title<input name="title" .value=${v.title} required maxlength="200" /></label>
                  <label>Description<textarea name="description" .value=${v.description}></textarea></label>
                  <label
                    >Visibility
                    <select name="visibility">
                      ${(['private', 'unlisted', 'public'] as const).map(
                        (o) => html`<option value=${o} ?selected=${o === v.visibility}>${o}</option>`,
                      )}
                    </select></label
                  >
                  <div class="row">
                    <button type="submit">Save</button>
                    <button type="button" class="danger" @click=${() => void this.deleteVideo()}>
                      Delete
                    </button>
                  </div>
                </form>`
              : ''
          }
        </div>
      </div>
    `;
  }
}
customElements.define('rk-video-view', RkVideoView);
