import type { Subscription, Video, VideoEvent } from '@reelkit/player-sdk';
import { LitElement, css, html } from 'lit';
import { formatBytes, formatDate, formatDuration } from '../format.js';
import { Session } from '../session.js';
import { shared } from '../styles.js';
import './upload-panel.js';

const FINAL = new Set(['ready', 'failed']);
/** Videos per page; "Load more" fetches the next page with the list's cursor. */
export const LIBRARY_PAGE_SIZE = 50;
/** Quiet time after the last keystroke before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Poster look-ups at once (each mints a signed URL through `GET /v1/videos/:id/playback`). */
const POSTER_CONCURRENCY = 4;

/** What the upload panel reports for one upload, as `upload-progress` events. */
export interface UploadProgressDetail {
  videoId: string;
  percent: number;
}

/**
 * The organisation's videos with live status: a socket.io subscription to every video of the org
 * (`client.subscribe('*')`, with the access token) moves rows forward as events arrive. Pages of
 * {@link LIBRARY_PAGE_SIZE} with "Load more"; search runs as you type (debounced); ready videos
 * show their poster; a row being uploaded follows the upload panel's byte progress.
 */
export class RkLibraryView extends LitElement {
  static override properties = {
    session: { attribute: false },
    videos: { state: true },
    error: { state: true },
    live: { state: true },
    query: { state: true },
    nextCursor: { state: true },
    loadingMore: { state: true },
    posters: { state: true },
    uploading: { state: true },
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
      .thumb {
        width: 96px;
        aspect-ratio: 16 / 9;
        object-fit: cover;
        border-radius: 4px;
        background: #e7eaf2;
        display: block;
      }
      .more {
        margin-top: 0.8rem;
        text-align: center;
      }
    `,
  ];

  session!: Session;
  videos: Video[] = [];
  error = '';
  live = false;
  query = '';
  /** The cursor of the next page, null when the list is complete. */
  nextCursor: string | null = null;
  loadingMore = false;
  /** Signed poster URL by video id ('' while unknown or when there is none). */
  posters = new Map<string, string>();
  /** Upload percent by video id, from the upload panel. */
  uploading = new Map<string, number>();
  private sub: Subscription | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborts the list request a newer search replaced. */
  private listing: AbortController | undefined;
  private posterQueue: string[] = [];
  private posterWorkers = 0;
  /** Videos announced deleted: a lookup that was already on its way must not bring one back. */
  private readonly deleted = new Set<string>();

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
    clearTimeout(this.searchTimer);
    this.listing?.abort();
    super.disconnectedCallback();
  }

  /** The first page for the current query; a newer call aborts an older one still running. */
  private async load(): Promise<void> {
    clearTimeout(this.searchTimer);
    this.listing?.abort();
    const listing = (this.listing = new AbortController());
    try {
      const page = await this.session.client.videos.list(
        { limit: LIBRARY_PAGE_SIZE, ...(this.query ? { q: this.query } : {}) },
        { signal: listing.signal },
      );
      this.videos = page.items;
      this.nextCursor = page.nextCursor;
      this.error = '';
      this.wantPosters(page.items);
    } catch (err) {
      if (!listing.signal.aborted) this.error = Session.messageOf(err);
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    const listing = this.listing;
    try {
      const page = await this.session.client.videos.list(
        { limit: LIBRARY_PAGE_SIZE, cursor: this.nextCursor, ...(this.query ? { q: this.query } : {}) },
        listing ? { signal: listing.signal } : {},
      );
      const known = new Set(this.videos.map((v) => v.id));
      this.videos = [...this.videos, ...page.items.filter((v) => !known.has(v.id))];
      this.nextCursor = page.nextCursor;
      this.wantPosters(page.items);
    } catch (err) {
      if (!listing?.signal.aborted) this.error = Session.messageOf(err);
    } finally {
      this.loadingMore = false;
    }
  }

  private onSearchInput(value: string): void {
    this.query = value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.load(), SEARCH_DEBOUNCE_MS);
  }

  /** Queues poster look-ups for ready videos that have one, a few at a time. */
  private wantPosters(videos: readonly Video[]): void {
    for (const v of videos)
      if (v.status === 'ready' && v.hasPoster && !this.posters.has(v.id)) {
        this.posters.set(v.id, '');
        this.posterQueue.push(v.id);
      }
    while (this.posterWorkers < POSTER_CONCURRENCY && this.posterQueue.length) {
      this.posterWorkers++;
      void this.posterWorker();
    }
  }

  private async posterWorker(): Promise<void> {
    try {
      for (let id = this.posterQueue.shift(); id; id = this.posterQueue.shift()) {
        try {
          const { poster } = await this.session.client.videos.playback(id);
          if (poster) this.posters = new Map(this.posters).set(id, poster);
        } catch {
          // no poster for this one: the row keeps its grey box
        }
      }
    } finally {
      this.posterWorkers--;
    }
  }

  /** The upload panel's progress for one upload (bytes, not chunks). */
  private onUploadProgress({ videoId, percent }: UploadProgressDetail): void {
    this.uploading = new Map(this.uploading).set(videoId, percent);
  }

  private async refreshOne(id: string): Promise<void> {
    try {
      const video = await this.session.client.videos.get(id);
      if (this.deleted.has(id)) return;
      const i = this.videos.findIndex((v) => v.id === id);
      this.videos = i === -1 ? [video, ...this.videos] : this.videos.map((v) => (v.id === id ? video : v));
      this.wantPosters([video]);
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
      this.deleted.add(e.videoId);
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
    const poster = this.posters.get(v.id);
    // While bytes go up, the panel knows more than the server's last word.
    const uploadPercent = v.status === 'uploading' ? this.uploading.get(v.id) : undefined;
    const progress =
      uploadPercent === undefined ? v.progress : { stage: 'uploading', percent: uploadPercent };
    return html`<tr data-video-id=${v.id} data-status=${v.status}>
      <td>
        ${
          poster
            ? html`<img class="thumb" src=${poster} alt="" loading="lazy" data-testid="poster" />`
            : html`<span class="thumb"></span>`
        }
      </td>
      <td class="title">
        <a href="#/videos/${v.id}">${v.title}</a><br /><span class="muted">${v.visibility}</span>
      </td>
      <td><span class="badge ${v.status}" data-testid="status">${v.status}</span></td>
      <td class="progress">
        ${
          busy
            ? html`<progress max="100" value=${progress.percent}></progress>
                <span class="muted" data-testid="row-progress"
                  >${progress.stage} ${Math.round(progress.percent)}%</span
                >`
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
              @upload-progress=${(e: CustomEvent<UploadProgressDetail>) => this.onUploadProgress(e.detail)}
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
            @input=${(e: Event) => this.onSearchInput((e.target as HTMLInputElement).value)}
          />
          <button class="secondary" type="submit">Search</button>
        </form>
        <table>
          <thead>
            <tr>
              <th aria-label="Poster"></th>
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
                    <td colspan="8" class="muted">${this.query ? 'No video matches.' : 'No videos yet.'}</td>
                  </tr>`
            }
          </tbody>
        </table>
        ${
          this.nextCursor
            ? html`<div class="more">
                <button class="secondary" ?disabled=${this.loadingMore} @click=${() => void this.loadMore()}>
                  ${this.loadingMore ? 'Loading…' : 'Load more'}
                </button>
              </div>`
            : ''
        }
      </div>
    `;
  }

  private onUploaded(video: Video): void {
    if (!this.videos.some((v) => v.id === video.id)) this.videos = [video, ...this.videos];
    else void this.refreshOne(video.id);
  }
}
customElements.define('rk-library-view', RkLibraryView);
