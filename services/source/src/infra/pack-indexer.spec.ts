import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { indexPack, packIndexFile } from './pack-indexer';

const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, maxBuffer: 1 << 26, ...(input !== undefined ? { input } : {}) });

describe('indexPack', () => {
  const dir = tempDir();
  const work = dir.path;

  beforeAll(() => {
    git(work, ['init', '-q']);
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}: ${'y'.repeat(i % 50)}`);
    for (let version = 0; version < 5; version++) {
      lines[version * 40] = `changed in version ${version}`;
      writeFileSync(join(work, 'file.txt'), lines.join('\n'));
      writeFileSync(join(work, `v${version}.txt`), `version ${version}\n`);
      git(work, ['add', '-A']);
      git(work, ['commit', '-q', '-m', `v${version}`]);
    }
  });

  afterAll(() => dir.remove());

  it('indexes a pack with offset deltas exactly as git index-pack does (same .idx bytes)', () => {
    git(work, ['repack', '-q', '-a', '-d', '-f', '--depth=10', '--window=10']);
    const packDir = join(work, '.git', 'objects', 'pack');
    const name = readdirSync(packDir).find((file) => file.endsWith('.pack')) as string;
    const pack = readFileSync(join(packDir, name));
    const indexed = indexPack(pack);
    expect(`pack-${indexed.checksum}.pack`).toBe(name);
    expect(packIndexFile(indexed).equals(readFileSync(join(packDir, name.replace(/\.pack$/, '.idx'))))).toBe(true);
    const head = git(work, ['rev-parse', 'HEAD']).toString().trim();
    expect(indexed.objects.get(head)?.data.equals(git(work, ['cat-file', 'commit', head]))).toBe(true);
  });

  it('resolves reference deltas whose base is in the pack', () => {
    const revs = git(work, ['rev-list', '--objects', '--all']).toString();
    // Without --delta-base-offset, pack-objects writes deltas as REF_DELTA.
    const pack = git(work, ['pack-objects', '-q', '--stdout', '--window=10'], revs.split('\n').map((line) => line.split(' ')[0]).join('\n'));
    const indexed = indexPack(pack);
    const file = git(work, ['rev-parse', 'HEAD:file.txt']).toString().trim();
    expect(indexed.objects.get(file)?.data.toString()).toContain('changed in version 4');
    expect(indexed.entries).toHaveLength(revs.trim().split('\n').length);
  });

  it('refuses a thin pack, a corrupted pack and a truncated one with a clear error', () => {
    const thin = git(work, ['pack-objects', '-q', '--stdout', '--thin', '--revs'], 'HEAD\n^HEAD~1\n');
    expect(() => indexPack(thin)).toThrow(/delta base [0-9a-f]{40} of \d+ object\(s\) is not in the pack/);
    const pack = git(work, ['pack-objects', '-q', '--stdout', '--revs'], 'HEAD\n');
    const corrupted = Buffer.from(pack);
    corrupted[40] = (corrupted[40] as number) ^ 0xff;
    expect(() => indexPack(corrupted)).toThrow('pack checksum mismatch');
    expect(() => indexPack(pack.subarray(0, 20))).toThrow('not a git pack');
  });
});
