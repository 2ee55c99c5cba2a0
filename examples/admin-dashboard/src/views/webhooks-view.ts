import type { Delivery, DeliveryList, Webhook, WebhookEventType } from '@reelkit/protocol';
import { LitElement, html } from 'lit';
import { formatDate } from '../format.js';
import { oneTimeSecret } from '../one-time-secret.js';
import { ApiResource } from '../api-resource.js';
import type { Session } from '../session.js';
import { shared } from '../styles.js';

const EVENTS: readonly WebhookEventType[] = ['video.ready', 'video.failed', 'video.deleted'];

/** Webhook endpoints (the signing secret is shown once) and each endpoint's delivery log. */
export class RkWebhooksView extends LitElement {
  static override properties = {
    session: { attribute: false },
    selected: { state: true },
    deliveries: { state: true },
    secret: { state: true },
  };
  static override styles = shared;

  session!: Session;
  selected: string | null = null;
  deliveries: Delivery[] = [];
  secret = '';
  private readonly hooks = ApiResource.items<Webhook>(this, '/v1/webhooks');

  private create(e: SubmitEvent): Promise<void> {
    return this.hooks.submit(e, async (data) => {
      const answer = await this.session.request<{ secret: string }>('POST', '/v1/webhooks', {
        url: String(data.get('url')),
        events: data.getAll('events').map(String),
      });
      this.secret = answer.secret;
    });
  }

  private toggle(hook: Webhook): Promise<void> {
    return this.hooks.run(() =>
      this.session.request('PATCH', `/v1/webhooks/${hook.id}`, { active: !hook.active }),
    );
  }

  private deleteHook(hook: Webhook): Promise<void> {
    if (!confirm(`Remove ${hook.url} and its delivery log?`)) return Promise.resolve();
    return this.hooks.run(async () => {
      await this.session.request('DELETE', `/v1/webhooks/${hook.id}`);
      if (this.selected === hook.id) this.selected = null;
    });
  }

  private showDeliveries(hook: Webhook): Promise<void> {
    this.selected = hook.id;
    return this.hooks.run(
      async () => {
        this.deliveries = (
          await this.session.request<DeliveryList>('GET', `/v1/webhooks/${hook.id}/deliveries?limit=50`)
        ).items;
      },
      { reload: false },
    );
  }

  override render() {
    const hooks = this.hooks.value ?? [];
    const selected = hooks.find((h) => h.id === this.selected);
    return html`<h1>Webhooks</h1>
      <p class="muted">
        Reelkit POSTs signed JSON events to your endpoints. See docs/guide-webhooks.md for verifying them.
      </p>
      ${this.hooks.error ? html`<p class="error" role="alert">${this.hooks.error}</p>` : ''}
      <form class="card" @submit=${(e: SubmitEvent) => void this.create(e)}>
        <label
          >Endpoint URL<input name="url" type="url" required placeholder="https://example.com/reelkit-hook"
        /></label>
        <div class="row">
          ${EVENTS.map((ev) => html`<label class="row" style="margin:0"><input type="checkbox" name="events" value=${ev} checked />${ev}</label>`)}
          <button type="submit">Add endpoint</button>
        </div>
      </form>
      ${oneTimeSecret({
        label: 'Signing secret — shown once:',
        value: this.secret,
        onDismiss: () => (this.secret = ''),
      })}
      <div class="card">
        <table>
          <tr>
            <th>URL</th>
            <th>Events</th>
            <th>Status</th>
            <th></th>
          </tr>
          ${hooks.map(
            (h) =>
              html`<tr>
                <td><code>${h.url}</code></td>
                <td>${h.events.join(', ')}</td>
                <td>
                  <span class="badge ${h.active ? 'active' : 'deactivated'}"
                    >${h.active ? 'active' : 'paused'}</span
                  >
                </td>
                <td>
                  <div class="row">
                    <button class="secondary" @click=${() => void this.showDeliveries(h)}>Deliveries</button>
                    <button class="secondary" @click=${() => void this.toggle(h)}>
                      ${h.active ? 'Pause' : 'Resume'}
                    </button>
                    <button class="danger" @click=${() => void this.deleteHook(h)}>Remove</button>
                  </div>
                </td>
              </tr>`,
          )}
        </table>
      </div>
      ${
        selected
          ? html`<div class="card">
              <h2 style="margin-top:0">Delivery log — <code>${selected.url}</code></h2>
              <table>
                <tr>
                  <th>When</th>
                  <th>Event</th>
                  <th>Attempt</th>
                  <th>Result</th>
                  <th>Time</th>
                </tr>
                ${
                  this.deliveries.length
                    ? this.deliveries.map(
                        (d) =>
                          html`<tr>
                            <td class="muted">${formatDate(d.createdAt)}</td>
                            <td>${d.event}<br /><code class="muted">${d.eventId}</code></td>
                            <td>${d.attempt}</td>
                            <td>
                              <span class="badge ${d.ok ? 'ready' : 'failed'}"
                                >${d.statusCode ?? 'no answer'}</span
                              >
                              ${d.error ? html`<span class="error">${d.error}</span>` : ''}
                            </td>
                            <td>${d.durationMs} ms</td>
                          </tr>`,
                      )
                    : html`<tr>
                        <td colspan="5" class="muted">No deliveries yet.</td>
                      </tr>`
                }
              </table>
            </div>`
          : ''
      }`;
  }
}
customElements.define('rk-webhooks-view', RkWebhooksView);
