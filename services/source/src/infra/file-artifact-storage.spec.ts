import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('stores Helm artifacts under the name given, replacing a rebuilt chart version, and serves only their shapes', async () => {
    const storage = new FileArtifactStorage(join(dir.path, 'helm'), async () => 'http://x', 2);
    const write = (content: string) => {
      const file = storage.tempFile();
      writeFileSync(file, content);
      return file;
    };
    const index = await storage.store(object, write('index'), { revision: digest('d'), digest: digest('d'), size: 5 }, new Date(), {
      kind: 'helmrepository',
      fileName: `index-${'d'.repeat(64)}.yaml`,
    });
    expect(index).toMatchObject({ path: `helmrepository/ns/app/index-${'d'.repeat(64)}.yaml`, url: `http://x/helmrepository/ns/app/index-${'d'.repeat(64)}.yaml` });
    const layout = { kind: 'helmchart' as const, fileName: 'podinfo-6.1.0+abc.tgz' };
    await storage.store(object, write('first'), { revision: '6.1.0+abc', digest: digest('e'), size: 5 }, new Date(), layout);
    const chart = await storage.store(object, write('second'), { revision: '6.1.0+abc', digest: digest('f'), size: 6 }, new Date(), layout);
    expect(readFileSync(storage.fileOf(chart)!, 'utf8')).toBe('second');
    expect(storage.resolve('helmchart/ns/app/podinfo-6.1.0+abc.tgz')).toBeDefined();
    expect(storage.resolve('helmchart/ns/app/../podinfo-6.1.0.tgz')).toBeUndefined();
    expect(storage.resolve('helmrepository/ns/app/index.yaml')).toBeUndefined();
    expect(storage.retainOnly(new Set(), 'helmchart')).toEqual(['ns/app']);
    expect(storage.has(index)).toBe(true);
    storage.removeAll(object, 'helmrepository');
    expect(storage.has(index)).toBe(false);
  });
});
