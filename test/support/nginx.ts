// nginx (Debian's nginx-light) as a reference and as a front: started on loopback with a temporary
// configuration, stopped by the caller. Shared by the tests and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningNginx {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The folder of its configuration, pid and logs. */
  dir: string;
  stop(): Promise<void>;
}

/** nginx's path: on PATH, or where Debian puts it (`/usr/sbin` is not on a user's PATH). */
export function nginxBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin']) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Starts one nginx master and worker in the foreground. `server` is the body of the `http`
 * block's `server { … }` after its `listen` line, e.g. `location / { root /srv; }`, or a function
 * of the port (and of nginx's own folder, for caches) that returns the rest of the `http` block,
 * `server` included. The rest is
 * what a production static server has: `sendfile on`, `tcp_nopush on`, long keep-alive, no
 * access log.
 */
export async function startNginx(
  server: string | ((port: number, dir: string) => { http: string }),
  options: { workers?: number; timeoutMs?: number } = {},
): Promise<RunningNginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is missing: apt-get install nginx-light (npm test installs it when root)');
  const dir = await mkdtemp(join(tmpdir(), 'reelkit-nginx-'));
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes ${options.workers ?? 1};
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${isRoot ? 'user root;' : ''}
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${typeof server === 'string' ? `  server {\n    listen 127.0.0.1:${port};\n    ${server}\n  }` : server(port, dir).http}
}
`,
  );
  const child: ChildProcess = spawn(bin, ['-p', dir, '-c', conf, '-e', `${dir}/error.log`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGQUIT'); // graceful: the worker finishes its requests
        const exited = once(child, 'exit');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * deploy/nginx/reelkit.conf.template with its `${REELKIT_*}` values filled in, as envsubst would:
 * what the x-accel tests and benchmarks run, so the shipped file is the tested one.
 */
export function reelkitNginxConfig(values: {
  listen: string;
  upstream: string;
  storageDir: string;
  accelPrefix: string;
  /** `proxy_cache_path` of the decisions: e.g. inside nginx's folder (`startNginx`'s `dir`). */
  decisionCacheDir: string;
}): string {
  return fillTemplate('reelkit.conf.template', {
    REELKIT_LISTEN: values.listen,
    REELKIT_UPSTREAM: values.upstream,
    REELKIT_STORAGE_DIR: values.storageDir.replace(/\/$/, ''),
    REELKIT_ACCEL_PREFIX: values.accelPrefix,
    REELKIT_DECISION_CACHE_DIR: values.decisionCacheDir,
  });
}

/** deploy/nginx/reelkit-s3.conf.template filled in likewise (x-accel with S3 storage). */
export function reelkitS3NginxConfig(values: {
  listen: string;
  upstream: string;
  accelPrefix: string;
  /** The store's S3 endpoint, e.g. `http://127.0.0.1:8433` (path style: its host is signed). */
  s3Endpoint: string;
}): string {
  const endpoint = new URL(values.s3Endpoint);
  return fillTemplate('reelkit-s3.conf.template', {
    REELKIT_LISTEN: values.listen,
    REELKIT_UPSTREAM: values.upstream,
    REELKIT_ACCEL_PREFIX: values.accelPrefix,
    REELKIT_S3_UPSTREAM: `${endpoint.hostname}:${endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)}`,
    REELKIT_S3_SCHEME: endpoint.protocol.replace(':', ''),
    REELKIT_S3_HOST: endpoint.host,
  });
}

function fillTemplate(name: string, vars: Record<string, string>): string {
  const template = readFileSync(new URL(`../../deploy/nginx/${name}`, import.meta.url), 'utf8');
  return template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\$\{(REELKIT_[A-Z0-9_]+)\}/g, (all, v: string) => vars[v] ?? all);
}
