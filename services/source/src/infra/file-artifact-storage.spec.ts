import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { FileArtifactStorage } from './file-artifact-storage';

describe('FileArtifactStorage', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const object = { namespace: 'ns', name: 'app' };
  const digest = (c: string) => `sha256:${c.repeat(64)}`;

  it('stores content-addressed artifacts, keeps the newest N and garbage-collects the rest', async () => {
    const storage = new FileArtifactStorage(join(dir.path, 'gc'), async () => 'http://127.0.0.1:9790/', 2);
    const stored = [];
    for (const [i, c] of ['a', 'b', 'c'].entries()) {
      const file = storage.tempFile();
      writeFileSync(file, c);
      stored.push(await storage.store(object, file, { revision: `main@sha1:${c.repeat(40)}`, digest: digest(c), size: 1 }, new Date(Date.UTC(2026, 0, 1, 0, i))));
    }
    expect(stored[2]).toMatchObject({ path: `gitrepository/ns/app/${'c'.repeat(64)}.tar.gz`, url: `http://127.0.0.1:9790/gitrepository/ns/app/${'c'.repeat(64)}.tar.gz` });
    expect(readdirSync(join(dir.path, 'gc', 'gitrepository/ns/app')).sort()).toEqual([`${'b'.repeat(64)}.tar.gz`, `${'c'.repeat(64)}.tar.gz`]);
    expect(storage.has(stored[0]!)).toBe(false);
    expect(storage.has(stored[2]!)).toBe(true);
    storage.removeAll(object);
    expect(existsSync(join(dir.path, 'gc', 'gitrepository/ns/app'))).toBe(false);
  });

  it('resolves only artifact paths inside the root', () => {
    const storage = new FileArtifactStorage(join(dir.path, 'paths'), async () => 'http://x', 1);
    expect(storage.resolve(`gitrepository/ns/app/${'a'.repeat(64)}.tar.gz`)).toBe(join(dir.path, 'paths', `gitrepository/ns/app/${'a'.repeat(64)}.tar.gz`));
    expect(storage.resolve('gitrepository/../../etc/passwd')).toBeUndefined();
    expect(storage.resolve(`gitrepository/ns/../${'a'.repeat(64)}.tar.gz`)).toBeUndefined();
    expect(storage.resolve('gitrepository/ns/app/x.tar.gz')).toBeUndefined();
  });

  it('removes the artifacts of objects that are gone', async () => {
    const storage = new FileArtifactStorage(join(dir.path, 'orphans'), async () => 'http://x', 1);
    for (const name of ['kept', 'gone']) {
      const file = storage.tempFile();
      writeFileSync(file, name);
      await storage.store({ namespace: 'ns', name }, file, { revision: 'r', digest: digest('a'), size: 1 }, new Date());
    }
    expect(storage.retainOnly(new Set(['ns/kept']))).toEqual(['ns/gone']);
    expect(readdirSync(join(dir.path, 'orphans', 'gitrepository', 'ns'))).toEqual(['kept']);
  });
});
