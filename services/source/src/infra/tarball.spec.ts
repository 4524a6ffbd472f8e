import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { extractTarGz, sha256Digest } from '@ferry/artifact';
import { tempDir } from '@ferry/testing';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTarGz, reproducibleTarGz, writeReproducibleTarGz, type TarEntry } from './tarball';

describe('writeReproducibleTarGz', () => {
  const out = tempDir();
  let written = 0;
  afterAll(() => out.remove());

  async function tarGz(files: TarEntry[]): Promise<Buffer> {
    const file = join(out.path, `${written++}.tar.gz`);
    const { digest, size } = await writeReproducibleTarGz(files, file);
    const archive = readFileSync(file);
    expect([digest, size]).toEqual([sha256Digest(archive), archive.length]);
    return archive;
  }

  const long = `${'deep/'.repeat(30)}file.yaml`;
  const entries = [
    { path: 'b.yaml', data: Buffer.from('b: 1\n'), executable: false },
    { path: 'a/run.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
    { path: long, data: Buffer.from('long: true\n'), executable: false },
  ];

  it('gives the same bytes for the same files in any order', async () => {
    const one = await tarGz(entries);
    const two = await tarGz([...entries].reverse());
    expect(sha256Digest(two)).toBe(sha256Digest(one));
    expect([one.readUInt32LE(4), one[9]]).toEqual([0, 0xff]);
    expect((await tarGz([{ ...entries[0]!, data: Buffer.from('b: 2\n') }])).equals(await tarGz([entries[0]!]))).toBe(false);
  });

  it('streams the bytes a one-shot gzip of the whole tar gives, however large', async () => {
    const big = [...entries, { path: 'big.bin', data: Buffer.from(randomBytes(3_000_000).toString('base64')), executable: false }];
    const streamed = await tarGz(big);
    const oneShot = gzipSync(gunzipSync(streamed), { level: 6 });
    oneShot.writeUInt32LE(0, 4);
    oneShot[9] = 0xff;
    expect(streamed.equals(oneShot)).toBe(true);
    // The in-memory variant (packaged Helm charts) writes the very same bytes.
    expect(reproducibleTarGz(big).equals(streamed)).toBe(true);
  });

  it('unpacks with libs/artifact, long names included', async () => {
    const dir = tempDir();
    try {
      expect(extractTarGz(await tarGz(entries), dir.path)).toBe(3);
      expect(readFileSync(join(dir.path, 'b.yaml'), 'utf8')).toBe('b: 1\n');
      expect(readFileSync(join(dir.path, long), 'utf8')).toBe('long: true\n');
      expect(statSync(join(dir.path, 'a/run.sh')).isFile()).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('reads back its own archives, long names and modes included', async () => {
    const read = readTarGz(await tarGz(entries));
    expect(read.map((e) => [e.path, e.data.toString(), e.executable])).toEqual([
      ['a/run.sh', '#!/bin/sh\n', true],
      ['b.yaml', 'b: 1\n', false],
      [long, 'long: true\n', false],
    ]);
  });
});
