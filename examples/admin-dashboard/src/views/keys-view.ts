import { LitElement, html } from 'lit';
import { ApiResource } from '../api-resource.js';
import { formatDate } from '../format.js';
import { oneTimeSecret } from '../one-time-secret.js';
import type { ApiKey } from '@reelkit/protocol';
import type { Session } from '../session.js';
import { shared } from '../styles.js';

/** API keys for an organisation's backends: create (the secret is shown once), list, revoke. */
export class RkKeysView extends LitElement {
  static override properties = {
    session: { attribute: false },
    secret: { state: true },
  };
  static override styles = shared;

  session!: Session;
  secret = '';
  private readonly keys = ApiResource.items<ApiKey>(this, '/v1/api-keys');

  private create(e: SubmitEvent): Promise<void> {
    return this.keys.submit(e, async (data) => {
      const answer = await this.session.request<{ key: string }>('POST', '/v1/api-keys', {
        name: String(data.get('name')),
        role: String(data.get('role')),
      });
      this.secret = answer.key;
    });
  }

  private revoke(key: ApiKey): Promise<void> {
    if (!confirm(`Revoke “${key.name}”? Calls with it fail at once.`)) return Promise.resolve();
    return this.keys.run(() => this.session.request('DELETE', `/v1/api-keys/${key.id}`));
  }

  override render() {
    return html`<h1>API keys</h1>
      <p class="muted">
        For your backends only (minting playback tokens, uploading): never ship a key to a browser.
      </p>
      ${this.keys.error ? html`<p class="error" role="alert">${this.keys.error}</p>` : ''}
      <form class="card row" @submit=${(e: SubmitEvent) => void this.create(e)}>
        <input
          name="name"
          required
          maxlength="100"
          placeholder="Key name, e.g. blog backend"
          aria-label="Key name"
        />
        <select name="role" aria-label="Role">
          <option value="viewer">viewer</option>
          <option value="editor" selected>editor</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit">Create key</button>
      </form>
      ${oneTimeSecret({
        label: 'Copy this key now — it is not shown again:',
        value: this.secret,
        onDismiss: () => (this.secret = ''),
        testId: 'api-key-secret',
      })}
      <div class="card">
        <table>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Role</th>
            <th>Last used</th>
            <th>Created</th>
            <th></th>
          </tr>
          ${(this.keys.value ?? []).map(
            (k) =>
              html`<tr>
                <td>${k.name}</td>
                <td><code>rk_${k.prefix}_…</code></td>
                <td>${k.role}</td>
                <td class="muted">${formatDate(k.lastUsedAt)}</td>
                <td class="muted">${formatDate(k.createdAt)}</td>
                <td>
                  ${
                    k.revokedAt
                      ? html`<span class="badge failed">revoked</span>`
                      : html`<button class="danger" @click=${() => void this.revoke(k)}>Revoke</button>`
                  }
                </td>
              </tr>`,
          )}
        </table>
      </div>`;
  }
}
customElements.define('rk-keys-view', RkKeysView);
