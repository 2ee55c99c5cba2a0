import type { Video } from '@reelkit/player-sdk';
import { LitElement, css, html } from 'lit';
import { formatBytes } from '../format.js';
import { Session } from '../session.js';
import { shared } from '../styles.js';

interface UploadItem {
  file: File;
  percent: number;
  state: 'uploading' | 'paused' | 'done' | 'error';
  error?: string;
  controller?: AbortController;
  video?: Video;
}

/**
 * Drag-and-drop (or pick) several files; each goes up with tus through the SDK. Pause aborts the
 * request; Resume calls `upload` again with the same File, and the SDK continues from the
 * server's offset (it remembers the upload URL in localStorage, so this works after a reload too).
 */
export class RkUploadPanel extends LitElement {
  static override properties = {
    session: { attribute: false },
    items: { state: true },
    over: { state: true },
  };

  static override styles = [
    shared,
    css`
      .drop {
        border: 2px dashed var(--line);
        border-radius: 8px;
        padding: 1.2rem;
        text-align: center;
        background: #fff;
        margin-bottom: 1rem;
      }
      .drop.over {
        border-color: var(--accent);
        background: #eef3ff;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.8rem 0 0;
        text-align: left;
      }
      li {
        display: grid;
        grid-template-columns: 1fr 12rem auto;
        gap: 0.8rem;
        align-items: center;
        padding: 0.3rem 0;
      }
    `,
  ];

  session!: Session;
  items: UploadItem[] = [];
  over = false;

  private add(files: FileList | null): void {
    for (const file of Array.from(files ?? [])) {
      const item: UploadItem = { file, percent: 0, state: 'uploading' };
      this.items = [...this.items, item];
      void this.run(item);
    }
  }

  private patchItem(item: UploadItem, patch: Partial<UploadItem>): void {
    Object.assign(item, patch);
    this.items = [...this.items];
  }

  private async run(item: UploadItem): Promise<void> {
    const controller = new AbortController();
    this.patchItem(item, { state: 'uploading', controller, error: '' });
    try {
      const video = await this.session.client.videos.upload(item.file, {
        title: item.file.name.replace(/\.[^.]+$/, ''),
        signal: controller.signal,
        chunkSize: 4 * 1024 * 1024,
        // Byte progress (the SDK reports during each chunk); the library row follows it.
        onProgress: ({ percent, videoId }) => {
          this.patchItem(item, { percent });
          this.dispatchEvent(
            new CustomEvent('upload-progress', {
              detail: { videoId, percent },
              bubbles: true,
              composed: true,
            }),
          );
        },
      });
      this.patchItem(item, { state: 'done', percent: 100, video });
      this.dispatchEvent(
        new CustomEvent<Video>('uploaded', { detail: video, bubbles: true, composed: true }),
      );
    } catch (err) {
      if (controller.signal.aborted) this.patchItem(item, { state: 'paused' });
      else this.patchItem(item, { state: 'error', error: Session.messageOf(err) });
    }
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    this.over = false;
    this.add(e.dataTransfer?.files ?? null);
  }

  override render() {
    return html`<section
      class="drop ${this.over ? 'over' : ''}"
      aria-label="Upload videos"
      @dragover=${(e: DragEvent) => {
        e.preventDefault();
        this.over = true;
      }}
      @dragleave=${() => (this.over = false)}
      @drop=${(e: DragEvent) => this.onDrop(e)}
    >
      <div class="row" style="justify-content:center">
        <span>Drop video files here, or</span>
        <label class="button" style="margin:0;color:#fff"
          >Choose files
          <input
            type="file"
            accept="video/*"
            multiple
            hidden
            data-testid="upload-input"
            @change=${(e: Event) => {
              const input = e.target as HTMLInputElement;
              this.add(input.files);
              input.value = '';
            }}
        /></label>
      </div>
      ${
        this.items.length
          ? html`<ul>
              ${this.items.map(
                (item) =>
                  html`<li data-upload-state=${item.state} data-percent=${item.percent}>
                    <span
                      >${item.file.name}
                      <span class="muted">${formatBytes(item.file.size)}</span>
                      ${item.error ? html`<br /><span class="error">${item.error}</span>` : ''}</span
                    >
                    <span
                      ><progress max="100" value=${item.percent}></progress>
                      <span class="muted">${item.state} ${Math.round(item.percent)}%</span></span
                    >
                    <span>
                      ${
                        item.state === 'uploading'
                          ? html`<button class="secondary" @click=${() => item.controller?.abort()}>
                              Pause
                            </button>`
                          : item.state === 'paused' || item.state === 'error'
                            ? html`<button class="secondary" @click=${() => void this.run(item)}>
                                Resume
                              </button>`
                            : item.video
                              ? html`<a href="#/videos/${item.video.id}">Open</a>`
                              : ''
                      }
                    </span>
                  </li>`,
              )}
            </ul>`
          : ''
      }
    </section>`;
  }
}
customElements.define('rk-upload-panel', RkUploadPanel);
