import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { extractTarGz, sha256Digest } from '@ferry/artifact';
import { tempDir } from '@ferry/testing';
import { readTarGz, reproducibleTarGz } from './tarball';

describe('reproducibleTarGz', () => {
  const long = `${'deep/'.repeat(30)}file.yaml`;
  const entries = [
    { path: 'b.yaml', data: Buffer.from('b: 1\n'), executable: false },
    { path: 'a/run.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
    { path: long, data: Buffer.from('long: true\n'), executable: false },
  ];

  it('gives the same bytes for the same files in any order', () => {
    const one = reproducibleTarGz(entries);
    const two = reproducibleTarGz([...entries].reverse());
    expect(sha256Digest(two)).toBe(sha256Digest(one));
    expect(one.readUInt32LE(4)).toBe(0);
    expect(reproducibleTarGz([{ ...entries[0]!, data: Buffer.from('b: 2\n') }]).equals(reproducibleTarGz([entries[0]!]))).toBe(false);
  });

  it('unpacks with libs/artifact, long names included', () => {
    const dir = tempDir();
    try {
      expect(extractTarGz(reproducibleTarGz(entries), dir.path)).toBe(3);
      expect(readFileSync(join(dir.path, 'b.yaml'), 'utf8')).toBe('b: 1\n');
      expect(readFileSync(join(dir.path, long), 'utf8')).toBe('long: true\n');
      expect(statSync(join(dir.path, 'a/run.sh')).isFile()).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('reads back its own archives, long names and modes included', () => {
    const read = readTarGz(reproducibleTarGz(entries));
    expect(read.map((e) => [e.path, e.data.toString(), e.executable])).toEqual([
      ['a/run.sh', '#!/bin/sh\n', true],
      ['b.yaml', 'b: 1\n', false],
      [long, 'long: true\n', false],
    ]);
  });
});
