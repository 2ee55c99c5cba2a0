// Reading a screenshot's pixels without an image library: ffmpeg decodes the PNG to raw RGB.
import { spawn } from 'node:child_process';

/** How many pixels of a PNG `match` their red, green and blue values (0–255 each). */
export async function countPixels(
  png: Buffer,
  match: (r: number, g: number, b: number) => boolean,
): Promise<number> {
  const rgb = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'png_pipe',
        '-i',
        'pipe:0',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg: ${err}`)),
    );
    child.stdin.end(png);
  });
  let n = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) if (match(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!)) n += 1;
  return n;
}
