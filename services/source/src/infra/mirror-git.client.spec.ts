import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { MirrorGitClient } from './mirror-git.client';
import { WorkerGitArchiver } from './worker-git-archiver';

describe('MirrorGitClient mirrors', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('forgets one mirror and removes those of objects that are gone', () => {
    const client = new MirrorGitClient(new WorkerGitArchiver(), dir.path, { maxFiles: 1, maxBytes: 1 });
    for (const name of ['a', 'b', 'c']) mkdirSync(join(dir.path, 'ns', `${name}.git`), { recursive: true });
    client.forget({ namespace: 'ns', name: 'a' });
    expect(existsSync(join(dir.path, 'ns', 'a.git'))).toBe(false);
    expect(client.retainOnly(new Set(['ns/b']))).toEqual(['ns/c']);
    expect(existsSync(join(dir.path, 'ns', 'b.git'))).toBe(true);
  });
});
