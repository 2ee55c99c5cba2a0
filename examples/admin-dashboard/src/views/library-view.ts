import type { Subscription, Video, VideoEvent } from '@reelkit/player-sdk';
import { LitElement, css, html } from 'lit';
import { formatBytes, formatDate, formatDuration } from '../format.js';
import { Session } from '../session.js';
import { shared } from '../styles.js';
import './upload-panel.js';

const FINAL = new Set(['ready', 'failed']);

/**
 * The organisation's videos with live status: a socket.io subscription to every video of the org
 * (`client.subscribe('*')`, with the access token) moves rows forward as events arrive.
 */
export class RkLibraryView extends LitElement {
  static override properties = {
    session: { attribute: false },
    videos: { state: true },
    error: { state: true },
    live: { state: true },
    query: { state: true },
  };

  static override styles = [
    shared,
    css`
      .title a {
        color: inherit;
        font-weight: 600;
        text-decoration: none;
      }
      .title a:hover {
        text-decoration: underline;
      }
      .progress {
        min-width: 10rem;
      }
      .dot {
        display: inline-block;
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: #bbb;
      }
      .dot.on {
        background: #18a058;
      }
    `,
  ];

  session!: Session;
  videos: Video[] = [];
  error = '';
  live = false;
  query = '';
  private sub: Subscription | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.sub = this.session.client.subscribe('*', (e) => this.apply(e), {
      getToken: async () => this.session.token ?? '',
      onConnectionChange: (connected) => (this.live = connected),
      onError: (err) => (this.error = Session.messageOf(err)),
    });
  }

  override disconnectedCallback(): void {
    this.sub?.close();
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    try {
      const page = await this.session.client.videos.list({
        limit: 100,
        ...(this.query ? { q: this.query } : {}),
      });
      this.videos = page.items;
      this.error = '';
    } catch (err) {
      this.error = Session.messageOf(err);
    }
  }

  private async refreshOne(id: string): Promise<void> {
    try {
      const video = await this.session.client.videos.get(id);
      const i = this.videos.findIndex((v) => v.id === id);
      this.videos = i === -1 ? [video, ...this.videos] : this.videos.map((v) => (v.id === id ? video : v));
    } catch {
      // deleted meanwhile, or not visible: the next list shows the truth
    }
  }

  /** Applies a live event; state only moves forward (an old event never undoes a newer one). */
  private apply(e: VideoEvent): void {
    if (e.type === 'created') {
      void this.refreshOne(e.videoId);
      return;
    }
    if (e.type === 'deleted') {
      this.videos = this.videos.filter((v) => v.id !== e.videoId);
      return;
    }
    const current = this.videos.find((v) => v.id === e.videoId);
    if (!current) {
      if (e.type !== 'progress') void this.refreshOne(e.videoId);
      return;
    }
    if (e.type === 'ready' || e.type === 'failed' || (e.type === 'state' && FINAL.has(e.status))) {
      // The full document has the renditions, metadata and sensitivity.
      void this.refreshOne(e.videoId);
      return;
    }
    if (FINAL.has(current.status)) return;
    let next: Video = current;
    if (e.type === 'progress') {
      const sameStage = current.progress.stage === e.stage;
      if (sameStage && e.percent < current.progress.percent) return;
      next = { ...current, status: 'processing', progress: { stage: e.stage, percent: e.percent } };
    } else if (e.type === 'state') {
      next = { ...current, status: e.status, progress: e.progress };
    }
    this.videos = this.videos.map((v) => (v.id === next.id ? next : v));
  }

  private row(v: Video) {
    const busy = !FINAL.has(v.status);
    return html`<tr data-video-id=${v.id} data-status=${v.status}>
      <td class="title">
        <a href="#/videos/${v.id}">${v.title}</a><br /><span class="muted">${v.visibility}</span>
      </td>
      <td><span class="badge ${v.status}" data-testid="status">${v.status}</span></td>
      <td class="progress">
        ${
          busy
            ? html`<progress max="100" value=${v.progress.percent}></progress>
                <span class="muted">${v.progress.stage} ${Math.round(v.progress.percent)}%</span>`
            : v.status === 'failed'
              ? html`<span class="error">${v.error?.code ?? 'failed'}</span>`
              : html`${v.renditions.map((r) => `${r.rung}p`).join(' · ')}`
        }
      </td>
      <td>${formatDuration(v.metadata?.duration)}</td>
      <td>${formatBytes(v.source?.size)}</td>
      <td>
        ${v.sensitivity ? html`<span class="badge ${v.sensitivity.label}">${v.sensitivity.label}</span>` : '—'}
      </td>
      <td class="muted">${formatDate(v.createdAt)}</td>
    </tr>`;
  }

  override render() {
    const canUpload = this.session.can('editor');
    return html`
      <div class="row" style="justify-content:space-between">
        <h1>Videos</h1>
        <span class="muted" title="live events over socket.io"
          ><span class="dot ${this.live ? 'on' : ''}"></span> ${this.live ? 'live' : 'offline'}</span
        >
      </div>
      ${
        canUpload
          ? html`<rk-upload-panel
              .session=${this.session}
              @uploaded=${(e: CustomEvent<Video>) => this.onUploaded(e.detail)}
            ></rk-upload-panel>`
          : html`<p class="muted">Viewers can watch videos; ask an editor to upload.</p>`
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="card">
        <form
          class="row"
          @submit=${(e: Event) => {
            e.preventDefault();
            void this.load();
          }}
        >
          <input
            type="search"
            placeholder="Search titles"
            aria-label="Search titles"
            .value=${this.query}
            @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
          />
          <button class="secondary" type="submit">Search</button>
        </form>
        <table>
          <thead>
            <tr>
              <th>Title</th>
              <th>Status</th>
              <th>Progress / renditions</th>
              <th>Duration</th>
              <th>Size</th>
              <th>Sensitivity</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            ${
              this.videos.length
                ? this.videos.map((v) => this.row(v))
                : html`<tr>
                    <td colspan="7" class="muted">No videos yet.</td>
                  </tr>`
            }
          </tbody>
        </table>
      </div>
    `;
  }

  private onUploaded(video: Video): void {
    if (!this.videos.some((v) => v.id === video.id)) this.videos = [video, ...this.videos];
    else void this.refreshOne(video.id);
  }
}
customElements.define('rk-library-view', RkLibraryView);
