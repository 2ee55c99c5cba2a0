import type { IncomingMessage, ServerResponse } from 'node:http';
import helmetFor from 'helmet';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

type HelmetOptions = Parameters<typeof helmetFor>[0];

function helmetOptions(options: { production: boolean }): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

/**
 * Security headers for an API that answers JSON: nothing may be framed or executed from its
 * responses. Pages the server renders (embed, docs) set their own CSP.
 */
export function securityHeaders(options: { production: boolean }): Middleware {
  return helmet(helmetOptions(options)) as unknown as Middleware;
}

/**
 * The headers {@link securityHeaders} sets, computed once: they depend on nothing in the request,
 * so the signed-delivery fast path (`playback/fast-path.ts`) copies this list instead of running
 * helmet's dozen middlewares on every segment.
 */
export function securityHeaderList(options: { production: boolean }): ReadonlyArray<[string, string]> {
  const headers: Array<[string, string]> = [];
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let done = false;
  helmetFor(helmetOptions(options))({} as IncomingMessage, res as unknown as ServerResponse, () => {
    done = true;
  });
  // helmet runs its middlewares synchronously; if a version ever did not, fail loudly at startup.
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}
