const TOKEN_IN_PATH = /(\/v1\/play\/)([^/?#]+)(\/)/;

/**
 * Puts `token` into a signed playback URL in place of the one it carries: the path segment after
 * `/v1/play/` (`/v1/play/<token>/<videoId>/hls/...`), or a `token` query parameter. A URL that
 * carries no token is returned unchanged (e.g. a public CDN URL).
 */
export function withPlaybackToken(url: string, token: string): string {
  if (TOKEN_IN_PATH.test(url))
    return url.replace(
      TOKEN_IN_PATH,
      (_m, a: string, _t, b: string) => `${a}${encodeURIComponent(token)}${b}`,
    );
  const q = url.indexOf('?');
  if (q >= 0 && /[?&]token=/.test(url.slice(q))) {
    const hash = url.indexOf('#');
    const end = hash >= 0 ? hash : url.length;
    const params = new URLSearchParams(url.slice(q + 1, end));
    params.set('token', token);
    return `${url.slice(0, q)}?${params.toString()}${url.slice(end)}`;
  }
  return url;
}

/** The playback token a signed URL carries, if any. */
export function playbackTokenOf(url: string): string | undefined {
  const m = TOKEN_IN_PATH.exec(url);
  if (m) return decodeURIComponent(m[2]!);
  const q = url.indexOf('?');
  return q >= 0 ? (new URLSearchParams(url.slice(q + 1).split('#')[0]).get('token') ?? undefined) : undefined;
}
