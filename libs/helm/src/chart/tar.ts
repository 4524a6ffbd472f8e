import { gunzipSync } from 'node:zlib';
import type { ChartFile } from './chart';

const BLOCK = 512;

function text(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function pathFromPax(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * The regular files of a gzipped tar, in archive order, read in memory (a chart archive is small). Honours
 * GNU long names and PAX paths; links, devices and directories carry no chart content and are left out.
 */
export function readTarGz(archive: Buffer, maxBytes = 64 * 1024 * 1024): ChartFile[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new Error(`not a gzipped tar archive: ${error instanceof Error ? error.message : String(error)}`);
  }
  const files: ChartFile[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`corrupt tar header at offset ${offset}`);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header, 345, 155);
    const ustarName = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw new Error(`tar entry "${ustarName}" is truncated`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      longName = pathFromPax(body) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const name = longName ?? ustarName;
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') files.push({ name, data: Buffer.from(body) });
  }
  return files;
}
