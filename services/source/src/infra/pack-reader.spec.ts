import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { PackReader, applyDelta, parseTree } from './pack-reader';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, maxBuffer: 1 << 26 });

describe('PackReader', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reads every object of a repacked repository (deltas included) exactly as git cat-file does', () => {
    const work = dir.path;
    git(work, 'init', '-q');
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(i % 40)}`);
    for (let version = 0; version < 6; version++) {
      lines[version * 50] = `changed in version ${version}`;
      writeFileSync(join(work, 'file.txt'), lines.join('\n'));
      writeFileSync(join(work, `v${version}.txt`), `version ${version}\n`);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', `v${version}`);
    }
    git(work, 'repack', '-q', '-a', '-d', '-f', '--depth=10', '--window=10');
    const reader = new PackReader(join(work, '.git'));
    const objects = git(work, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(deltabase)').toString().trim().split('\n');
    expect(objects.some((line) => !line.endsWith(' 0000000000000000000000000000000000000000'))).toBe(true);
    for (const line of objects) {
      const [oid, type] = line.split(' ') as [string, string];
      const object = reader.read(oid);
      expect([oid, object?.type]).toEqual([oid, type]);
      expect(object?.data.equals(git(work, 'cat-file', type, oid))).toBe(true);
    }
    const head = git(work, 'rev-parse', 'HEAD^{tree}').toString().trim();
    expect(parseTree(reader.read(head)!.data).map((entry) => `${entry.mode} ${entry.name}`)).toContain('100644 file.txt');
  });

  it('returns undefined for an object in no pack', () => {
    expect(new PackReader(join(dir.path, 'missing')).read('a'.repeat(40))).toBeUndefined();
  });

  it('rejects a delta whose output size does not match its header', () => {
    expect(() => applyDelta(Buffer.from('abc'), Buffer.from([3, 5, 3, 0x61, 0x62, 0x63]))).toThrow('delta produced 3 bytes, expected 5');
  });
});
