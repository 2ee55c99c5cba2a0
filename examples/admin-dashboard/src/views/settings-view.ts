import { LitElement, html } from 'lit';
import { ApiResource } from '../api-resource.js';
import type { Org, Session } from '../session.js';
import { shared } from '../styles.js';

/** The organisation's name and embed origins (PATCH /v1/org): the sites allowed to play its videos. */
export class RkSettingsView extends LitElement {
  static override properties = {
    session: { attribute: false },
    saved: { state: true },
  };
  static override styles = shared;

  session!: Session;
  saved = false;
  private readonly org = new ApiResource(this, (session) => session.request<Org>('GET', '/v1/org'));

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const embedOrigins = String(data.get('origins'))
      .split(/[\s,]+/)
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    this.saved = false;
    await this.org.run(
      async () => {
        this.org.set(
          await this.session.request<Org>('PATCH', '/v1/org', {
            name: String(data.get('name')),
            embedOrigins,
          }),
        );
        this.saved = true;
        await this.session.loadMe();
      },
      { reload: false },
    );
  }

  override render() {
    const org = this.org.value;
    const error = this.org.error;
    if (!org) return html`${error ? html`<p class="error">${error}</p>` : 'Loading…'}`;
    return html`<h1>Organisation and embed origins</h1>
      <form class="card" @submit=${(e: SubmitEvent) => void this.save(e)}>
        <label>Name<input name="name" .value=${org.name} required maxlength="100" /></label>
        <label
          >Embed origins — one per line, exact origins such as <code>https://blog.example.com</code>. Public
          videos play anywhere while the list is empty; with entries, only there.
          <textarea name="origins" rows="6" .value=${org.embedOrigins.join('\n')}></textarea>
        </label>
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <div class="row">
          <button type="submit">Save</button>
          ${this.saved ? html`<span class="muted">Saved.</span>` : ''}
        </div>
        <p class="muted">Plan: ${org.plan} · slug: ${org.slug}</p>
      </form>`;
  }
}
customElements.define('rk-settings-view', RkSettingsView);
