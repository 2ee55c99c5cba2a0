// Test media, generated with ffmpeg (testsrc2 + sine) and cached per shape; no media is committed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClipOptions {
  width?: number;
  height?: number;
  seconds?: number;
  fps?: number;
  audio?: boolean;
  /** Container by extension: mp4 (default), mkv, webm, ts, mov, avi. */
  ext?: string;
}

export function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`)),
    );
  });
}

const pending = new Map<string, Promise<string>>();

/** A clip of the given shape, made once per machine and reused. Returns its path. */
export function makeClip(options: ClipOptions = {}): Promise<string> {
  const key = JSON.stringify(options);
  let p = pending.get(key);
  if (!p) {
    p = createClip(options);
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  return p;
}

async function createClip(options: ClipOptions): Promise<string> {
  const { width = 640, height = 360, seconds = 2, fps = 25, audio = true, ext = 'mp4' } = options;
  const dir = join(tmpdir(), 'reelkit-test-clips');
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha1')
    .update(JSON.stringify({ width, height, seconds, fps, audio, ext }))
    .digest('hex')
    .slice(0, 12);
  const out = join(dir, `${width}x${height}-${seconds}s-${fps}fps${audio ? '' : '-silent'}-${id}.${ext}`);
  if (existsSync(out)) return out;
  const temp = `${out}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp.${ext}`;
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`];
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  args.push('-c:v', ext === 'webm' ? 'libvpx' : 'libx264', '-pix_fmt', 'yuv420p');
  if (ext !== 'webm') args.push('-preset', 'ultrafast');
  if (audio) args.push('-c:a', ext === 'webm' ? 'libvorbis' : 'aac');
  args.push('-shortest', temp);
  await runFfmpeg(args);
  renameSync(temp, out);
  return out;
}

/**
 * An MKV with two audio streams, English (440 Hz, the default) and French (880 Hz, 44.1 kHz,
 * stereo) over `seconds` of testsrc2 at 640×360: a dubbed upload. Made once per machine.
 */
export function makeTwoLanguageClip(seconds = 16): Promise<string> {
  const key = `two-languages-${seconds}`;
  let p = pending.get(key);
  if (!p) {
    p = (async () => {
      const dir = join(tmpdir(), 'reelkit-test-clips');
      mkdirSync(dir, { recursive: true });
      const out = join(dir, `two-languages-${seconds}s.mkv`);
      if (existsSync(out)) return out;
      const temp = `${out}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp.mkv`;
      await runFfmpeg([
        ...['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`],
        ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
        ...['-f', 'lavfi', '-i', `sine=frequency=880:sample_rate=44100:duration=${seconds}`],
        ...['-map', '0:v', '-map', '1:a', '-map', '2:a'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
        ...['-ac:a:1', '2', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra'],
        ...['-disposition:a:0', 'default', '-disposition:a:1', '0'],
        temp,
      ]);
      renameSync(temp, out);
      return out;
    })();
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  return p;
}
