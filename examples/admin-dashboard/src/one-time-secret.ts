import { html, nothing, type TemplateResult } from 'lit';

/**
 * A value the API shows once (an API key, a webhook signing secret): the value, what it is, and a
 * button that dismisses it once copied. Renders nothing when `value` is empty.
 */
export function oneTimeSecret(options: {
  label: string;
  value: string;
  onDismiss: () => void;
  testId?: string;
}): TemplateResult | typeof nothing {
  if (!options.value) return nothing;
  return html`<div class="secret card" data-testid=${options.testId ?? nothing}>
    <strong>${options.label}</strong>
    <pre>${options.value}</pre>
    <button class="secondary" @click=${options.onDismiss}>I copied it</button>
  </div>`;
}
