import { LitElement, css, html } from 'lit';
import { Session } from '../session.js';
import { shared } from '../styles.js';

/** Log in, sign up (a new organisation and its admin), or accept an invitation. */
export class RkLoginView extends LitElement {
  static override properties = {
    session: { attribute: false },
    inviteToken: { attribute: false },
    mode: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [
    shared,
    css`
      .card {
        max-width: 24rem;
        margin: 3rem auto;
      }
      .tabs {
        display: flex;
        gap: 0.4rem;
        margin-bottom: 1rem;
      }
      input {
        width: 100%;
        box-sizing: border-box;
      }
    `,
  ];

  session!: Session;
  inviteToken: string | null = null;
  mode: 'login' | 'signup' = 'login';
  error = '';
  busy = false;

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const field = (k: string) => String(data.get(k) ?? '');
    this.busy = true;
    this.error = '';
    try {
      if (this.inviteToken)
        await this.session.acceptInvite(this.inviteToken, field('password'), field('name'));
      else if (this.mode === 'signup')
        await this.session.signup({
          orgName: field('orgName'),
          name: field('name'),
          email: field('email'),
          password: field('password'),
        });
      else await this.session.login(field('email'), field('password'));
      if (!location.hash) location.hash = '#/videos';
    } catch (err) {
      this.error = Session.messageOf(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const invite = Boolean(this.inviteToken);
    const signup = !invite && this.mode === 'signup';
    return html`<form class="card" @submit=${(e: SubmitEvent) => void this.submit(e)}>
      <h1>${invite ? 'Join your team' : signup ? 'Create an organisation' : 'Log in to Reelkit'}</h1>
      ${
        invite
          ? html`<p class="muted">Choose your name and a password to accept the invitation.</p>`
          : html`<div class="tabs" role="tablist">
              <button
                type="button"
                role="tab"
                aria-selected=${!signup}
                class=${signup ? 'secondary' : ''}
                @click=${() => (this.mode = 'login')}
              >
                Log in
              </button>
              <button
                type="button"
                role="tab"
                aria-selected=${signup}
                class=${signup ? '' : 'secondary'}
                @click=${() => (this.mode = 'signup')}
              >
                Sign up
              </button>
            </div>`
      }
      ${signup ? html`<label>Organisation<input name="orgName" required maxlength="100" autocomplete="organization" /></label>` : ''}
      ${signup || invite ? html`<label>Your name<input name="name" required maxlength="100" autocomplete="name" /></label>` : ''}
      ${invite ? '' : html`<label>Email<input name="email" type="email" required autocomplete="email" /></label>`}
      <label
        >Password
        <input
          name="password"
          type="password"
          required
          minlength=${signup || invite ? 10 : 1}
          autocomplete=${signup || invite ? 'new-password' : 'current-password'}
      /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <button type="submit" ?disabled=${this.busy}>
        ${invite ? 'Accept invitation' : signup ? 'Create organisation' : 'Log in'}
      </button>
    </form>`;
  }
}
customElements.define('rk-login-view', RkLoginView);
