import { LitElement, html } from 'lit';
import { ApiResource } from '../api-resource.js';
import type { QueueHealth } from '@reelkit/protocol';
import type { Session } from '../session.js';
import { shared } from '../styles.js';

/** Transcode queue health (GET /v1/admin/queue), refreshed every 5 s while shown. */
export class RkQueueView extends LitElement {
  static override properties = {
    session: { attribute: false },
  };
  static override styles = shared;

  session!: Session;
  private readonly health = new ApiResource(
    this,
    (session) => session.request<QueueHealth>('GET', '/v1/admin/queue'),
    { refreshMs: 5000 },
  );

  override render() {
    const h = this.health.value;
    return html`<h1>Queue health</h1>
      ${this.health.error ? html`<p class="error" role="alert">${this.health.error}</p>` : ''}
      ${
        h
          ? html`<div class="card">
                <p>
                  Queue <code>${h.queue}</code> · workers connected:
                  <strong data-testid="workers">${h.workers}</strong>
                  ${h.workers === 0 ? html`<span class="error">— nothing will be transcoded</span>` : ''}
                </p>
                <table>
                  <tr>
                    ${Object.keys(h.counts).map((k) => html`<th>${k}</th>`)}
                  </tr>
                  <tr>
                    ${Object.values(h.counts).map((n) => html`<td>${n}</td>`)}
                  </tr>
                </table>
              </div>
              <div class="card">
                Your organisation: <strong>${h.org.queued}</strong> queued,
                <strong>${h.org.processing}</strong> processing.
                <p class="muted">
                  The queue is shared by every organisation on this server; the counts above are the
                  operator's view.
                </p>
              </div>`
          : ''
      }`;
  }
}
customElements.define('rk-queue-view', RkQueueView);
