// The packages as a consumer gets them: `npm pack` tarballs of @reelkit/player-sdk and
// @reelkit/embed, checked by publint and @arethetypeswrong/cli, then installed into a fresh project
// that type-checks a program with `moduleResolution` bundler and node16 and runs the SDK in Node
// through `import` and `require`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundles } from '../../scripts/lib/bundles.mjs';
import { repoRoot } from '../support/processes.js';

const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
let work: string;
const tarballs: Record<'sdk' | 'embed', string> = { sdk: '', embed: '' };

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the test worker (npm and tsc take a while). */
function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const output = (res: RunResult) => `${res.stdout}\n${res.stderr}`;

async function tarballFiles(file: string): Promise<string[]> {
  return (await run('tar', ['tzf', file], work)).stdout.split('\n').filter(Boolean);
}

async function manifestOf(file: string): Promise<Record<string, Record<string, string> | undefined>> {
  return JSON.parse((await run('tar', ['xzf', file, '-O', 'package/package.json'], work)).stdout) as Record<
    string,
    Record<string, string> | undefined
  >;
}

beforeAll(async () => {
  // npm test's set-up has built them; on its own, this builds what is missing or stale.
  await ensureBundles();
  work = mkdtempSync(join(tmpdir(), 'reelkit-packages-'));
  for (const [key, dir] of [
    ['sdk', 'packages/player-sdk'],
    ['embed', 'packages/embed'],
  ] as const) {
    const res = await run('npm', ['pack', '--json', '--pack-destination', work], join(repoRoot, dir));
    expect(res.status, output(res)).toBe(0);
    const [{ filename }] = JSON.parse(res.stdout) as [{ filename: string }];
    tarballs[key] = join(work, filename);
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the builds, types, README and manifest: no sources, tests or workspace-only packages', async () => {
    for (const file of Object.values(tarballs)) {
      const files = await tarballFiles(file);
      expect(
        files.filter((f) => !/^package\/(dist\/|README\.md$|package\.json$|custom-elements\.json$)/.test(f)),
      ).toEqual([]);
      expect(files.filter((f) => /\.test\.|\/src\//.test(f))).toEqual([]);
      // Private @reelkit/protocol is bundled in, never needed at install time.
      const manifest = await manifestOf(file);
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
        expect(Object.keys(manifest[field] ?? {})).not.toContain('@reelkit/protocol');
    }
    expect(await tarballFiles(tarballs.sdk)).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.cjs',
        'package/dist/index.d.ts',
        'package/dist/index.d.cts',
        'package/dist/reelkit.iife.min.js',
      ]),
    );
    expect(await tarballFiles(tarballs.embed)).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/reelkit-player.iife.min.js',
        'package/custom-elements.json',
      ]),
    );
  });

  it('publint finds nothing to report in either tarball', async () => {
    for (const file of Object.values(tarballs)) {
      const res = await run(bin('publint'), ['run', file, '--strict'], work);
      expect(res.status, output(res)).toBe(0);
      expect(res.stdout).toContain('All good!');
    }
  });

  it('arethetypeswrong: the SDK resolves with its types for import and require; the element is ESM-only', async () => {
    const problems = (res: RunResult) =>
      Object.values((JSON.parse(res.stdout) as { problems?: object }).problems ?? {});
    const sdk = await run(bin('attw'), [tarballs.sdk, '--format', 'json'], work);
    expect(sdk.status, output(sdk)).toBe(0);
    expect(problems(sdk)).toEqual([]);
    // @reelkit/embed declares no `require` (Lit is ESM-only): CJS resolutions are out of scope.
    const embed = await run(bin('attw'), [tarballs.embed, '--profile', 'esm-only', '--format', 'json'], work);
    expect(embed.status, output(embed)).toBe(0);
  });
});

describe('a consumer project', () => {
  let project: string;

  beforeAll(async () => {
    project = join(work, 'consumer');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: {
          '@reelkit/player-sdk': `file:${tarballs.sdk}`,
          '@reelkit/embed': `file:${tarballs.embed}`,
        },
      }),
    );
    const res = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'],
      project,
    );
    expect(res.status, output(res)).toBe(0);
    // The program: the SDK's client, player and typed errors; the element's class and its events.
    writeFileSync(
      join(project, 'src/main.ts'),
      `import { createPlayer, ReelkitClient, ReelkitError, type ErrorCode, type PlayerEvents } from '@reelkit/player-sdk';
import { ReelkitPlayer } from '@reelkit/embed';

export async function titles(apiBase: string, apiKey: string): Promise<string[]> {
  const client = new ReelkitClient({ apiBase, apiKey });
  try {
    const page = await client.videos.list({ limit: 10 });
    return page.items.map((v) => v.title);
  } catch (err) {
    if (err instanceof ReelkitError) {
      const code: ErrorCode | string = err.code;
      return [code];
    }
    throw err;
  }
}

export function play(video: HTMLVideoElement, videoId: string, token: string): void {
  const player = createPlayer(video, { videoId, token, apiBase: 'https://video.example.com' });
  player.on('error', (e: PlayerEvents['error']) => console.error(e.error.code));
}

export const tag: typeof ReelkitPlayer = ReelkitPlayer;
`,
    );
    const tsconfig = (moduleResolution: string, module: string) =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module,
          moduleResolution,
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        include: ['src'],
      });
    writeFileSync(join(project, 'tsconfig.bundler.json'), tsconfig('bundler', 'ESNext'));
    writeFileSync(join(project, 'tsconfig.node16.json'), tsconfig('node16', 'node16'));
  }, 600_000);

  it('installs only the tarballs and their runtime dependencies (hls.js, lit)', () => {
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['@reelkit', 'hls.js', 'lit']));
    expect(readdirSync(join(project, 'node_modules/@reelkit')).sort()).toEqual(['embed', 'player-sdk']);
  });

  for (const mode of ['bundler', 'node16']) {
    it(`type-checks a program with moduleResolution ${mode}`, async () => {
      const res = await run(bin('tsc'), ['-p', `tsconfig.${mode}.json`], project);
      expect(res.status, output(res)).toBe(0);
    });
  }

  it('loads the SDK in Node with import and with require', async () => {
    writeFileSync(
      join(project, 'check.mjs'),
      `import { createRequire } from 'node:module';
const esm = await import('@reelkit/player-sdk');
const cjs = createRequire(import.meta.url)('@reelkit/player-sdk');
console.log(JSON.stringify([typeof esm.ReelkitClient, typeof cjs.ReelkitClient, esm.VERSION === cjs.VERSION]));
`,
    );
    const res = await run(process.execPath, ['check.mjs'], project);
    expect(res.status, output(res)).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toEqual(['function', 'function', true]);
  });
});
