import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { Session } from './session.js';
import { shared } from './styles.js';
import './views/login-view.js';
import './views/library-view.js';
import './views/video-view.js';
import './views/users-view.js';
import './views/keys-view.js';
import './views/settings-view.js';
import './views/webhooks-view.js';
import './views/queue-view.js';

/** The view's hash route (`#/videos/<id>`); other fragments (an invitation token) mean the library. */
const routeOf = () => (location.hash.startsWith('#/') ? location.hash : '#/videos');

interface NavItem {
  hash: string;
  label: string;
  admin: boolean;
}

const NAV: NavItem[] = [
  { hash: '#/videos', label: 'Videos', admin: false },
  { hash: '#/users', label: 'Users', admin: true },
  { hash: '#/keys', label: 'API keys', admin: true },
  { hash: '#/settings', label: 'Embed origins', admin: true },
  { hash: '#/webhooks', label: 'Webhooks', admin: true },
  { hash: '#/queue', label: 'Queue', admin: true },
];

/**
 * The dashboard shell: session, navigation (hash routes) and the current view. What it shows
 * follows the member's role as the server enforces it (GET /v1/me); the server stays the judge.
 */
export class RkApp extends LitElement {
  static override properties = {
    route: { state: true },
    ready: { state: true },
  };

  static override styles = [
    shared,
    css`
      :host {
        min-height: 100vh;
      }
      header {
        background: #1d2433;
        color: #fff;
        display: flex;
        align-items: center;
        gap: 1.4rem;
        padding: 0.6rem 1.5rem;
      }
      header strong {
        font-size: 1.1rem;
      }
      nav {
        display: flex;
        gap: 0.2rem;
        flex: 1;
      }
      nav a {
        color: #c9d3ea;
        text-decoration: none;
        padding: 0.3rem 0.7rem;
        border-radius: 6px;
      }
      nav a[aria-current='page'] {
        background: #34405a;
        color: #fff;
      }
      .who {
        font-size: 0.85rem;
        color: #c9d3ea;
      }
      main {
        max-width: 72rem;
        margin: 0 auto;
        padding: 1.5rem;
      }
    `,
  ];

  route = routeOf();
  ready = false;
  readonly session = new Session();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.session.onChange(() => this.requestUpdate());
    void this.session.resume().finally(() => {
      this.ready = true;
    });
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  private readonly onHash = () => {
    this.route = routeOf();
  };

  private view(): TemplateResult {
    const s = this.session;
    const [, section, id] = this.route.split('/');
    const adminOnly = (t: TemplateResult) =>
      s.can('admin') ? t : html`<p class="card">Only admins can see this page.</p>`;
    switch (section) {
      case 'videos':
        return id
          ? html`<rk-video-view .session=${s} .videoId=${id}></rk-video-view>`
          : html`<rk-library-view .session=${s}></rk-library-view>`;
      case 'users':
        return adminOnly(html`<rk-users-view .session=${s}></rk-users-view>`);
      case 'keys':
        return adminOnly(html`<rk-keys-view .session=${s}></rk-keys-view>`);
      case 'settings':
        return adminOnly(html`<rk-settings-view .session=${s}></rk-settings-view>`);
      case 'webhooks':
        return adminOnly(html`<rk-webhooks-view .session=${s}></rk-webhooks-view>`);
      case 'queue':
        return adminOnly(html`<rk-queue-view .session=${s}></rk-queue-view>`);
      default:
        return html`<rk-library-view .session=${s}></rk-library-view>`;
    }
  }

  override render() {
    const s = this.session;
    if (!this.ready) return html`<main class="muted">Loading…</main>`;
    if (!s.me) {
      const invite = location.pathname.endsWith('/accept-invite')
        ? new URLSearchParams(location.hash.slice(1)).get('token')
        : null;
      return html`<main><rk-login-view .session=${s} .inviteToken=${invite}></rk-login-view></main>`;
    }
    // Signed in from an invitation: drop the used token from the address bar.
    if (location.pathname.endsWith('/accept-invite')) history.replaceState(null, '', `/${this.route}`);
    const section = `#/${this.route.split('/')[1] ?? 'videos'}`;
    return html`<header>
        <strong>Reelkit</strong>
        <nav aria-label="Sections">
          ${NAV.filter((n) => !n.admin || s.can('admin')).map(
            (n) =>
              html`<a href=${n.hash} aria-current=${section === n.hash ? 'page' : nothing}>${n.label}</a>`,
          )}
        </nav>
        <span class="who" data-testid="who">${s.me.user.email} · ${s.me.org.name} · <b>${s.me.role}</b></span>
        <button class="secondary" @click=${() => void s.logout()}>Log out</button>
      </header>
      <main>${this.view()}</main>`;
  }
}

customElements.define('rk-app', RkApp);

declare global {
  interface HTMLElementTagNameMap {
    'rk-app': RkApp;
  }
}
