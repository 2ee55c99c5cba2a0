// Builds the dashboard into dist/, which the API serves at `/` (same origin: cookies and CSRF stay
// simple). `npm run dev -w @reelkit/admin-dashboard` serves it on DASHBOARD_URL (5173) instead and
// proxies the API, so the browser still sees one origin.
import { defaultClientConditions, defineConfig } from 'vite';

const api = process.env.REELKIT_API ?? 'http://127.0.0.1:4000';
const proxy = {
  '/v1': { target: api },
  '/socket.io': { target: api, ws: true },
  '/embed': { target: api },
  '/docs': { target: api },
};

export default defineConfig({
  root: import.meta.dirname,
  // Workspace packages resolve to their TypeScript sources, as everywhere else in the repo.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // hls.js alone is ~600 kB; it is loaded lazily, only when a player needs MSE.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 700 },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy,
  },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
});
