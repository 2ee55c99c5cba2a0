import { css } from 'lit';

/** Styles shared by every view (each view is its own shadow root, so nothing leaks). */
export const shared = css`
  :host {
    display: block;
    --accent: #3b6ef5;
    --danger: #d6334c;
    --line: #d9dde8;
    --muted: #5b6b86;
  }
  h1,
  h2,
  h3 {
    margin: 0 0 0.8rem;
    font-weight: 600;
  }
  h1 {
    font-size: 1.4rem;
  }
  h2 {
    font-size: 1.1rem;
    margin-top: 1.5rem;
  }
  .card {
    background: #fff;
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 1rem 1.2rem;
    margin-bottom: 1rem;
  }
  button,
  .button {
    font: inherit;
    border: 1px solid var(--accent);
    background: var(--accent);
    color: #fff;
    border-radius: 6px;
    padding: 0.35rem 0.9rem;
    cursor: pointer;
    text-decoration: none;
    display: inline-block;
  }
  button.secondary {
    background: #fff;
    color: var(--accent);
  }
  button.danger {
    background: #fff;
    color: var(--danger);
    border-color: var(--danger);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 0.35rem 0.5rem;
    border: 1px solid var(--line);
    border-radius: 6px;
    background: #fff;
  }
  label {
    display: grid;
    gap: 0.2rem;
    margin-bottom: 0.7rem;
    font-size: 0.9rem;
    color: var(--muted);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 0.45rem 0.5rem;
    border-bottom: 1px solid var(--line);
    vertical-align: middle;
  }
  th {
    font-size: 0.8rem;
    color: var(--muted);
    font-weight: 600;
    text-transform: uppercase;
  }
  code,
  pre {
    font:
      13px ui-monospace,
      monospace;
  }
  pre {
    background: #f0f2f7;
    padding: 0.7rem;
    border-radius: 6px;
    overflow: auto;
    white-space: pre-wrap;
    word-break: break-all;
  }
  .error {
    color: var(--danger);
  }
  .muted {
    color: var(--muted);
  }
  .row {
    display: flex;
    gap: 0.6rem;
    align-items: center;
    flex-wrap: wrap;
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    font-weight: 600;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    background: #e7ebf5;
    color: #33415c;
  }
  .badge.ready,
  .badge.safe,
  .badge.active {
    background: #dcf5e8;
    color: #11663f;
  }
  .badge.failed,
  .badge.flagged,
  .badge.deactivated {
    background: #fbe0e4;
    color: #a3162c;
  }
  .badge.processing,
  .badge.queued,
  .badge.uploading,
  .badge.review,
  .badge.invited {
    background: #fff1d6;
    color: #8a5a00;
  }
  progress {
    width: 100%;
    height: 0.6rem;
  }
  .secret {
    background: #fff8e1;
    border: 1px solid #f0c36d;
    padding: 0.7rem;
    border-radius: 6px;
  }
`;
