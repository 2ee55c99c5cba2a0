import { css } from 'lit';

/**
 * The element's shadow styles. Everything a site may change is a `--reelkit-*` custom property
 * (inherited through the shadow boundary) or a `::part`; nothing leaks out.
 */
export const playerStyles = css`
  :host {
    display: block;
    position: relative;
    contain: content;
    container-type: inline-size;
    color: var(--reelkit-color, #fff);
    background: var(--reelkit-background, #000);
    border-radius: var(--reelkit-radius, 0);
    overflow: hidden;
    font: var(--reelkit-font, 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    -webkit-tap-highlight-color: transparent;
  }
  :host([hidden]) {
    display: none;
  }
  [part~='frame'] {
    position: relative;
    width: 100%;
    height: 100%;
    /* The video's own ratio (from its metadata) unless the site sets --reelkit-aspect-ratio. When
       the host has a definite height (an iframe page, a fixed box), height: 100% wins instead. */
    aspect-ratio: var(--reelkit-aspect-ratio, var(--_ratio, 16 / 9));
    outline: none;
  }
  [part~='frame']:focus-visible {
    box-shadow: inset 0 0 0 3px var(--reelkit-accent, #4f8cff);
  }
  video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: inherit;
  }
  /* Captions: the site styles them through these properties (::cue takes colour, background, font,
     text-shadow and a few more; see the element's docs). */
  video::cue {
    color: var(--reelkit-cue-color, #fff);
    background: var(--reelkit-cue-background, rgb(0 0 0 / 0.75));
    font: var(--reelkit-cue-font, 1em system-ui, sans-serif);
    text-shadow: var(--reelkit-cue-text-shadow, none);
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    margin: 0;
    cursor: pointer;
    display: inline-grid;
    place-items: center;
    min-width: 36px;
    height: 36px;
    border-radius: 4px;
  }
  button:focus-visible,
  input:focus-visible,
  [part~='seek']:focus-visible {
    outline: var(--reelkit-focus-ring, 2px solid var(--reelkit-accent, #4f8cff));
    outline-offset: 1px;
  }
  .overlay {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    align-content: center;
    gap: 12px;
    padding: 16px;
    text-align: center;
    background: var(--reelkit-overlay-background, rgb(0 0 0 / 0.72));
  }
  .overlay.clear {
    background: none;
    pointer-events: none;
  }
  .overlay p {
    margin: 0;
    max-width: 36em;
  }
  [part~='spinner'] {
    width: 40px;
    height: 40px;
    border-radius: 50%;
    border: 4px solid rgb(255 255 255 / 0.3);
    border-top-color: var(--reelkit-accent, #4f8cff);
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='spinner'] {
      animation-duration: 3s;
    }
  }
  [part~='progress'] {
    width: min(320px, 80%);
    height: 6px;
    border-radius: 3px;
    background: var(--reelkit-track-color, rgb(255 255 255 / 0.3));
    overflow: hidden;
  }
  [part~='progress'] > div {
    height: 100%;
    background: var(--reelkit-accent, #4f8cff);
    transition: width 0.3s;
  }
  [part~='error-code'] {
    opacity: 0.85;
    font-size: 0.85em;
  }
  [part~='big-play-button'] {
    position: absolute;
    left: 50%;
    top: 50%;
    transform: translate(-50%, -50%);
    width: 64px;
    height: 64px;
    border-radius: 50%;
    background: var(--reelkit-controls-background, rgb(0 0 0 / 0.7));
  }
  [part~='big-play-button'] svg {
    width: 36px;
    height: 36px;
  }
  [part~='controls'] {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px 4px;
    padding: 4px 8px 6px;
    background: var(--reelkit-controls-background, linear-gradient(transparent, rgb(0 0 0 / 0.85) 40%));
    transition: opacity 0.25s;
  }
  .idle [part~='controls']:not(:focus-within) {
    opacity: 0;
  }
  /* Captions rise above the control bar while it shows, or the bar hides them (Chromium and
     WebKit paint cues in this box; a browser without it drops this rule alone). */
  video::-webkit-media-text-track-container {
    transition: transform 0.25s;
  }
  [part~='frame']:not(.idle) video::-webkit-media-text-track-container {
    transform: translateY(calc(-1 * var(--reelkit-captions-lift, 64px)));
  }
  .idle {
    cursor: none;
  }
  [part~='seek'] {
    position: relative;
    flex: 1 0 100%;
    height: 18px;
    display: flex;
    align-items: center;
    cursor: pointer;
    touch-action: none;
  }
  .track {
    position: relative;
    width: 100%;
    height: 4px;
    border-radius: 2px;
    background: var(--reelkit-track-color, rgb(255 255 255 / 0.3));
  }
  [part~='seek']:hover .track {
    height: 6px;
  }
  .buffered,
  .played {
    position: absolute;
    inset: 0 auto 0 0;
    border-radius: inherit;
  }
  .buffered {
    background: rgb(255 255 255 / 0.35);
  }
  .played {
    background: var(--reelkit-accent, #4f8cff);
  }
  [part~='seek-preview'] {
    position: absolute;
    bottom: 22px;
    transform: translateX(-50%);
    display: grid;
    justify-items: center;
    gap: 2px;
    pointer-events: none;
    font-size: 12px;
  }
  [part~='seek-thumbnail'] {
    border: 2px solid var(--reelkit-color, #fff);
    border-radius: 4px;
    background-repeat: no-repeat;
    background-color: #000;
  }
  .preview-time {
    padding: 0 4px;
    border-radius: 3px;
    background: rgb(0 0 0 / 0.8);
  }
  [part~='time'] {
    font-variant-numeric: tabular-nums;
    padding: 0 6px;
    white-space: nowrap;
  }
  [part~='volume'] {
    width: 72px;
    accent-color: var(--reelkit-accent, #4f8cff);
  }
  .spacer {
    flex: 1;
  }
  .menu-anchor {
    position: relative;
  }
  [part~='menu'] {
    position: absolute;
    right: 0;
    bottom: 40px;
    min-width: 110px;
    padding: 4px;
    display: grid;
    border-radius: 6px;
    background: var(--reelkit-menu-background, rgb(20 20 20 / 0.95));
    z-index: 1;
  }
  [part~='menu'][hidden] {
    display: none;
  }
  [part~='menu-item'] {
    justify-content: start;
    text-align: left;
    padding: 0 10px 0 24px;
    position: relative;
    white-space: nowrap;
  }
  [part~='menu-item'][aria-checked='true']::before {
    content: '✓';
    position: absolute;
    left: 8px;
  }
  [part~='menu-item']:hover,
  [part~='menu-item']:focus-visible {
    background: rgb(255 255 255 / 0.15);
  }
  .text-button {
    padding: 0 6px;
    font-variant-numeric: tabular-nums;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  /* Narrow players keep play, seek, time, mute, quality and full screen. */
  @container (max-width: 400px) {
    [part~='volume'],
    [part~='pip-button'],
    [part~='speed-button'] {
      display: none;
    }
  }
`;
