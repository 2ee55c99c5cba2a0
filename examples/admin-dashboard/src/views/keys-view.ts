import { LitElement, html } from 'lit';
import { formatDate } from '../format.js';
import { Session, type Role } from '../session.js';
import { shared } from '../styles.js';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** API keys for an organisation's backends: create (the secret is shown once), list, revoke. */
export class RkKeysView extends LitElement {
  static override properties = {
    session: { attribute: false },
    keys: { state: true },
    secret: { state: true },
    error: { state: true },
  };
  static override styles = shared;

  session!: Session;
  keys: ApiKey[] = [];
  secret = '';
  error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.keys = (await this.session.request<{ items: ApiKey[] }>('GET', '/v1/api-keys')).items;
    } catch (err) {
      this.error = Session.messageOf(err);
    }
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    try {
      const answer = await this.session.request<{ key: string }>('POST', '/v1/api-keys', {
        name: String(data.get('name')),
        role: String(data.get('role')),
      });
      this.secret = answer.key;
      this.error = '';
      form.reset();
    } catch (err) {
      this.error = Session.messageOf(err);
    }
    await this.load();
  }

  private async revoke(key: ApiKey): Promise<void> {
    if (!confirm(`Revoke “${key.name}”? Calls with it fail at once.`)) return;
    try {
      await this.session.request('DELETE', `/v1/api-keys/${key.id}`);
    } catch (err) {
      this.error = Session.messageOf(err);
    }
    await this.load();
  }

  override render() {
    return html`<h1>API keys</h1>
      <p class="muted">
        For your backends only (minting playback tokens, uploading): never ship a key to a browser.
      </p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
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
      ${
        this.secret
          ? html`<div class="secret card" data-testid="api-key-secret">
              <strong>Copy this key now — it is not shown again:</strong>
              <pre>${this.secret}</pre>
              <button class="secondary" @click=${() => (this.secret = '')}>I copied it</button>
            </div>`
          : ''
      }
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
          ${this.keys.map(
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
