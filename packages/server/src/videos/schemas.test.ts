import { describe, expect, it } from 'vitest';
import { cleanFileName, titleFromFileName, updateVideoBody } from './schemas.js';

describe('upload names', () => {
  it.each([
    ['My holiday.mp4', 'My holiday'],
    ['../../etc/My holiday.mp4', 'My holiday'],
    ['C:\\Users\\ada\\clip.final.MOV', 'clip.final'],
    ['', 'Untitled video'],
    [undefined, 'Untitled video'],
    ['.mp4', 'Untitled video'],
    ['a\u0000b.mkv', 'ab'],
    ['x'.repeat(300) + '.mp4', 'x'.repeat(200)],
  ])('titleFromFileName(%j) is %j', (name, title) => {
    expect(titleFromFileName(name)).toBe(title);
  });

  it('keeps only the last path segment of a file name', () => {
    expect(cleanFileName('/etc/passwd')).toBe('passwd');
    expect(cleanFileName('dir/')).toBeUndefined();
  });
});

describe('PATCH body', () => {
  it('accepts title, description and visibility only', () => {
    expect(updateVideoBody.safeParse({ title: ' New ', visibility: 'public' }).data).toEqual({
      title: 'New',
      visibility: 'public',
    });
    for (const body of [
      { orgId: 'x' },
      { status: 'ready' },
      { title: 'ok', status: 'ready' },
      {},
      { title: '' },
      { visibility: 'all' },
    ]) {
      expect(updateVideoBody.safeParse(body).success).toBe(false);
    }
  });
});
