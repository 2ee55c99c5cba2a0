import type { Role } from '@reelkit/protocol';

/**
 * Who is making the request, set on `ctx.state.principal` by the `authenticate` middleware. Routes
 * read it; they never look at tokens or keys themselves.
 */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      orgId: string;
      role: Role;
      /** How the request authenticated; unsafe cookie requests also pass the CSRF check. */
      via: 'bearer' | 'cookie';
    }
  | {
      kind: 'api_key';
      apiKeyId: string;
      /** The admin who created the key; the key never has more than that user's role. */
      userId: string;
      orgId: string;
      role: Role;
      via: 'api_key';
    };

declare module 'koa' {
  interface DefaultState {
    principal?: Principal;
    requestId?: string;
  }
}
