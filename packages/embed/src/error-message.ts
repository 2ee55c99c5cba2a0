/**
 * A sentence a viewer can act on for an error code from the SDK or the API. The code itself is
 * shown next to it (and carried by the `reelkit-error` event) for support requests.
 */
export function errorMessage(code: string, fallback?: string): string {
  switch (code) {
    case 'video_not_found':
    case 'not_found':
      return 'This video does not exist or is not available.';
    case 'playback_token_expired':
      return 'The link to this video has expired. Reload the page to watch it.';
    case 'playback_token_invalid':
    case 'playback_video_mismatch':
      return 'This video cannot be played with the link it was given.';
    case 'playback_origin_refused':
      return 'This video may not be played on this site.';
    case 'playback_unsupported':
      return 'Your browser cannot play this video.';
    case 'network_error':
      return 'The video could not be loaded. Check your connection and try again.';
    case 'media_error':
      return 'The video could not be decoded.';
    case 'missing_attributes':
      return 'This player is missing its video-id or api-base.';
    case 'rate_limited':
      return 'Too many requests. Try again in a minute.';
    default:
      if (code.startsWith('transcode_') || code.startsWith('probe_') || code === 'source_invalid')
        return 'This video could not be processed.';
      return fallback || 'Something went wrong while playing this video.';
  }
}
