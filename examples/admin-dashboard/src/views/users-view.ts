import { LitElement, html } from 'lit';
import { ApiResource } from '../api-resource.js';
import { formatDate } from '../format.js';
import type { Role, Session, User } from '../session.js';
import { shared } from '../styles.js';

const ROLES: Role[] = ['viewer', 'editor', 'admin'];

/** Members and roles (admins): invite (shows the one-time link), change role, deactivate, delete. */
export class RkUsersView extends LitElement {
  static override properties = {
    session: { attribute: false },
    inviteUrl: { state: true },
  };
  static override styles = shared;

  session!: Session;
  inviteUrl = '';
  private readonly users = ApiResource.items<User>(this, '/v1/users?limit=100');

  private run(action: () => Promise<unknown>): Promise<void> {
    return this.users.run(action);
  }

  private invite(e: SubmitEvent): Promise<void> {
    return this.users.submit(e, async (data) => {
      const answer = await this.session.request<{ inviteUrl: string }>('POST', '/v1/users', {
        email: String(data.get('email')),
        role: String(data.get('role')),
      });
      this.inviteUrl = answer.inviteUrl;
    });
  }

  private patch(user: User, change: Partial<Pick<User, 'role' | 'active'>>): Promise<void> {
    return this.run(async () => {
      await this.session.request('PATCH', `/v1/users/${user.id}`, change);
      if (user.id === this.session.me?.user.id) await this.session.loadMe();
    });
  }

  private deleteUser(user: User): Promise<void> {
    if (!confirm(`Remove ${user.email}? Their sessions and API keys stop at once.`)) return Promise.resolve();
    return this.run(() => this.session.request('DELETE', `/v1/users/${user.id}`));
  }

  override render() {
    return html`<h1>Users and roles</h1>
      ${this.users.error ? html`<p class="error" role="alert">${this.users.error}</p>` : ''}
      <form class="card row" @submit=${(e: SubmitEvent) => void this.invite(e)}>
        <input name="email" type="email" required placeholder="email@example.com" aria-label="Email" />
        <select name="role" aria-label="Role">
          ${ROLES.map((r) => html`<option value=${r} ?selected=${r === 'editor'}>${r}</option>`)}
        </select>
        <button type="submit">Invite</button>
      </form>
      ${
        this.inviteUrl
          ? html`<div class="secret card" data-testid="invite-link">
              <strong>One-time invitation link</strong> (shown once; no email is sent — pass it on yourself):
              <pre>${this.inviteUrl}</pre>
            </div>`
          : ''
      }
      <div class="card">
        <table>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Status</th>
            <th>Last login</th>
            <th></th>
          </tr>
          ${(this.users.value ?? []).map(
            (u) =>
              html`<tr>
                <td>${u.name || '—'}<br /><span class="muted">${u.email}</span></td>
                <td>
                  <select
                    aria-label="Role of ${u.email}"
                    @change=${(e: Event) => void this.patch(u, { role: (e.target as HTMLSelectElement).value as Role })}
                  >
                    ${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${r}</option>`)}
                  </select>
                </td>
                <td><span class="badge ${u.status}">${u.status}</span></td>
                <td class="muted">${formatDate(u.lastLoginAt)}</td>
                <td>
                  <div class="row">
                    <button class="secondary" @click=${() => void this.patch(u, { active: !u.active })}>
                      ${u.active ? 'Deactivate' : 'Reactivate'}
                    </button>
                    <button class="danger" @click=${() => void this.deleteUser(u)}>Delete</button>
                  </div>
                </td>
              </tr>`,
          )}
        </table>
      </div>`;
  }
}
customElements.define('rk-users-view', RkUsersView);
