import { mkdirSync, writeFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Bounds on what an artifact may unpack to. */
export interface ExtractLimits {
  /** Total bytes of file content. */
  maxBytes: number;
  /** Number of files and directories. */
  maxEntries: number;
}

/** Flux's defaults are generous; these keep a hostile artifact from filling the disk. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxBytes: 512 * 1024 * 1024, maxEntries: 100_000 };

/** Thrown for an archive Ferry will not unpack; names the entry and the rule. */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
}

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space < 0) break;
    const length = parseInt(data.subarray(position, space).toString('utf8'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

/** Resolves an entry name inside `root`, refusing absolute paths and `..` escapes. */
function safeTarget(root: string, name: string): string {
  const cleaned = normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
  if (name.startsWith('/') || cleaned === '..' || cleaned.startsWith(`..${sep}`) || cleaned.split(sep).includes('..')) {
    throw new UnsafeArchiveError(`archive entry "${name}" points outside the extraction directory`);
  }
  return join(root, cleaned);
}

/**
 * Unpacks a gzipped tar into `root`, which must be fresh and empty: regular files (mode 0644) and
 * directories (0755) only, no owners, no links, nothing outside `root`, within `limits`. Returns the
 * number of files written.
 */
export function extractTarGz(archive: Buffer, root: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): number {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxBytes + limits.maxEntries * 2 * BLOCK });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnsafeArchiveError(
      /maxOutputLength|buffer|Cannot create a Buffer/i.test(reason)
        ? `archive unpacks to more than ${limits.maxBytes} bytes`
        : `not a gzip archive: ${reason}`,
    );
  }
  let offset = 0;
  let entries = 0;
  let files = 0;
  let bytes = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = pax['path'] ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    pax = {};
    longName = undefined;
    if (++entries > limits.maxEntries) throw new UnsafeArchiveError(`archive has more than ${limits.maxEntries} entries`);
    const target = safeTarget(root, name);
    if (type === '5') {
      mkdirSync(target, { recursive: true, mode: 0o755 });
    } else if (type === '0' || type === '\0' || type === '7') {
      bytes += size;
      if (bytes > limits.maxBytes) throw new UnsafeArchiveError(`archive unpacks to more than ${limits.maxBytes} bytes`);
      mkdirSync(join(target, '..'), { recursive: true, mode: 0o755 });
      writeFileSync(target, data, { mode: 0o644, flag: 'wx' });
      files++;
    } else if (type === '1' || type === '2') {
      throw new UnsafeArchiveError(`archive entry "${name}" is a link, which artifacts may not contain`);
    } else {
      throw new UnsafeArchiveError(`archive entry "${name}" has unsupported type "${type}"`);
    }
  }
  return files;
}
