import { LitElement, css, html } from 'lit';

/**
 * `<reelkit-player video-id="…" api-base="…">`: plays a Reelkit video.
 *
 * @csspart frame - the box that holds the video
 * @cssprop --reelkit-accent - accent colour of the controls
 */
export class ReelkitPlayer extends LitElement {
  static override properties = {
    videoId: { type: String, attribute: 'video-id', reflect: true },
    apiBase: { type: String, attribute: 'api-base' },
  };

  static override styles = css`
    :host {
      display: block;
      position: relative;
      aspect-ratio: 16 / 9;
      background: #000;
      color: #fff;
      font:
        14px/1.4 system-ui,
        sans-serif;
      --reelkit-accent: #4f8cff;
    }
    [part='frame'] {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
    }
  `;

  /** The id of the video to play. */
  videoId = '';
  /** Base URL of the Reelkit API, e.g. `https://video.example.com`. */
  apiBase = '';

  override render() {
    return html`<div part="frame" role="region" aria-label="Video player">
      ${this.videoId || 'no video-id'}
    </div>`;
  }
}

/** Registers the element once, so loading the script twice is harmless. */
export function defineReelkitPlayer(name = 'reelkit-player'): void {
  if (!customElements.get(name)) customElements.define(name, ReelkitPlayer);
}
