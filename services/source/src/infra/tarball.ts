import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';

/** One regular file of an artifact. */
export interface TarEntry {
  /** Slash-separated path relative to the artifact root. */
  path: string;
  data: Buffer;
  executable: boolean;
}

const BLOCK = 512;

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  header.write(value, offset, Math.min(Buffer.byteLength(value), length), 'utf8');
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  writeString(header, `${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
}

function header(name: string, size: number, mode: number, type: '0' | 'x'): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, name, 0, 100);
  writeOctal(block, mode, 100, 8);
  writeOctal(block, 0, 108, 8);
  writeOctal(block, 0, 116, 8);
  writeOctal(block, size, 124, 12);
  writeOctal(block, 0, 136, 12);
  block.fill(0x20, 148, 156);
  writeString(block, type, 156, 1);
  writeString(block, 'ustar\0', 257, 6);
  writeString(block, '00', 263, 2);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, `${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const size = Buffer.byteLength(body);
  // The record's length includes its own decimal digits: iterate until stable.
  let length = size + 1;
  while (length !== size + String(length).length) length = size + String(length).length;
  return Buffer.from(`${length}${body}`);
}

function* tarBlocks(entries: readonly TarEntry[]): Generator<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of sorted) {
    let name = entry.path;
    if (Buffer.byteLength(name) > 99) {
      const pax = paxRecord('path', name);
      yield header('PaxHeader', pax.length, 0o644, 'x');
      yield pax;
      yield padding(pax.length);
      name = name.slice(-99);
    }
    yield header(name, entry.data.length, entry.executable ? 0o755 : 0o644, '0');
    yield entry.data;
    yield padding(entry.data.length);
  }
  yield Buffer.alloc(BLOCK * 2);
}

/**
 * Writes a reproducible gzipped tar of regular files to `file`, compressing as it goes (the tar is never
 * whole in memory): entries sorted by path, mtime 0, uid/gid 0, no owner names, modes 0644/0755, long names
 * in PAX headers, and a gzip header with no mtime and OS "unknown", so the same tree always gives the same
 * bytes and therefore the same sha256 digest. zlib's output does not depend on how its input is chunked, so
 * the bytes are those of a one-shot gzip at level 6.
 */
export async function writeReproducibleTarGz(entries: readonly TarEntry[], file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(file);
  await pipeline(
    Readable.from(tarBlocks(entries)),
    gzip,
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        // zlib writes the 10-byte header in its first chunk.
        if (size === 0) normaliseGzipHeader(chunk);
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    out,
  );
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** The gzip header with no mtime and OS "unknown", so equal content gives equal bytes. */
function normaliseGzipHeader(firstChunk: Buffer): void {
  firstChunk.writeUInt32LE(0, 4);
  firstChunk[9] = 0xff;
}

/** The same reproducible tar.gz as `writeReproducibleTarGz`, in memory (small archives: packaged Helm charts). */
export function reproducibleTarGz(entries: readonly TarEntry[]): Buffer {
  const archive = gzipSync(Buffer.concat([...tarBlocks(entries)]), { level: 6 });
  normaliseGzipHeader(archive);
  return archive;
}

/**
 * Reads the regular files of a tar.gz written by `reproducibleTarGz` (ustar, PAX `path` records) — what
 * `spec.include` copies from another GitRepository's artifact. Other entry types are skipped.
 */
export function readTarGz(archive: Buffer): TarEntry[] {
  const tar = gunzipSync(archive);
  const entries: TarEntry[] = [];
  let position = 0;
  let paxPath: string | undefined;
  while (position + BLOCK <= tar.length) {
    const header = tar.subarray(position, position + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const text = (offset: number, length: number) => {
      const raw = header.subarray(offset, offset + length);
      const end = raw.indexOf(0);
      return raw.subarray(0, end < 0 ? length : end).toString('utf8');
    };
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1) || '0';
    const data = tar.subarray(position + BLOCK, position + BLOCK + size);
    position += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      continue;
    }
    const prefix = text(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    paxPath = undefined;
    if (type !== '0') continue;
    entries.push({ path: name.replace(/^\.\//, ''), data: Buffer.from(data), executable: (parseInt(text(100, 8).trim() || '0', 8) & 0o111) !== 0 });
  }
  return entries;
}
