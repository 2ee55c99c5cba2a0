import { html, nothing, type TemplateResult } from 'lit';

/** One choice of a popup menu. */
export interface MenuChoice {
  label: string;
  checked: boolean;
  select(): void;
  /** Extra `data-value` for tests and styling (e.g. a level index or a language). */
  value?: string | undefined;
}

/** A control-bar button that opens a menu of radio choices. */
export interface PopupMenu {
  /** Menu name: `data-menu` / `data-menu-button`, and the `<name>-button` / `<name>-menu` parts. */
  name: string;
  /** The menu's accessible name. */
  title: string;
  /** The button's accessible name (says the current choice). */
  buttonLabel: string;
  /** What the button shows: an icon or a short text. */
  content: TemplateResult | string;
  /** A text button (wider, no icon). */
  text?: boolean;
  open: boolean;
  choices: MenuChoice[];
  toggle(): void;
}

/**
 * A menu button with its `role=menu` popup of `menuitemradio` choices: the host handles arrow
 * keys, Escape and focus (see `onMenuKey`), this only renders.
 */
export function popupMenu(m: PopupMenu): TemplateResult {
  return html`<div class="menu-anchor">
    <button
      part="button ${m.name}-button"
      class=${m.text ? 'text-button' : ''}
      data-menu-button=${m.name}
      aria-label=${m.buttonLabel}
      aria-haspopup="menu"
      aria-expanded=${m.open ? 'true' : 'false'}
      @click=${m.toggle}
    >
      ${m.content}
    </button>
    <div part="menu ${m.name}-menu" role="menu" aria-label=${m.title} data-menu=${m.name} ?hidden=${!m.open}>
      ${m.choices.map(
        (c) =>
          html`<button
            part="menu-item"
            role="menuitemradio"
            tabindex="-1"
            data-value=${c.value ?? nothing}
            aria-checked=${c.checked ? 'true' : 'false'}
            @click=${c.select}
          >
            ${c.label}
          </button>`,
      )}
    </div>
  </div>`;
}
