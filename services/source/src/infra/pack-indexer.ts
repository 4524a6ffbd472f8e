import { createHash } from 'node:crypto';
import { crc32, inflateSync } from 'node:zlib';
import { applyDelta, entryHeader, type GitObject } from './pack-reader';

/** One object of an indexed pack: its id, where its entry starts, and the CRC-32 of the entry's raw bytes. */
export interface PackEntry {
  oid: string;
  offset: number;
  crc: number;
}

/** A pack's index (entries sorted by oid), the resolved objects by id, and the pack's own checksum. */
export interface IndexedPack {
  entries: PackEntry[];
  objects: Map<string, GitObject>;
  checksum: string;
}

interface Pending {
  offset: number;
  crc: number;
  delta: Buffer;
  baseOffset?: number;
  baseOid?: string;
}

function objectId(object: GitObject): string {
  return createHash('sha1').update(`${object.type} ${object.data.length}\0`).update(object.data).digest('hex');
}

/**
 * Indexes a self-contained pack (what `git index-pack` does) in one pass with native zlib and SHA-1: each
 * entry is inflated once, `bytesWritten` of the inflate tells where the next entry starts, deltas are resolved
 * against bases already seen. The resolved objects are returned too, so the archive step does not inflate
 * them again. Throws on a truncated pack, a bad checksum or a delta whose base is not in the pack.
 */
export function indexPack(pack: Buffer): IndexedPack {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new Error('not a git pack');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new Error(`unsupported pack version ${version}`);
  const checksum = pack.toString('hex', pack.length - 20);
  if (createHash('sha1').update(pack.subarray(0, pack.length - 20)).digest('hex') !== checksum) throw new Error('pack checksum mismatch');
  const count = pack.readUInt32BE(8);
  const byOffset = new Map<number, GitObject>();
  const objects = new Map<string, GitObject>();
  const entries: PackEntry[] = [];
  const pending: Pending[] = [];
  let position = 12;
  for (let i = 0; i < count; i++) {
    const offset = position;
    const header = entryHeader(pack, offset);
    position = header.dataStart;
    if (position >= pack.length - 20) throw new Error(`pack truncated at object ${i} of ${count}`);
    const { buffer, engine } = inflateSync(pack.subarray(position, pack.length - 20), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    position += engine.bytesWritten;
    const crc = crc32(pack.subarray(offset, position));
    if (header.kind !== 'object') {
      pending.push({ offset, crc, delta: buffer, ...(header.kind === 'ofs' ? { baseOffset: header.baseOffset } : { baseOid: header.baseOid }) });
      continue;
    }
    const object: GitObject = { type: header.type, data: buffer };
    const oid = objectId(object);
    byOffset.set(offset, object);
    objects.set(oid, object);
    entries.push({ oid, offset, crc });
  }
  if (position !== pack.length - 20) throw new Error(`pack has ${pack.length - 20 - position} bytes after its last object`);
  // An offset delta's base comes earlier in the pack; a ref delta's may come later: repeat until all resolve.
  let unresolved = pending;
  while (unresolved.length > 0) {
    const next: Pending[] = [];
    for (const delta of unresolved) {
      const base = delta.baseOffset !== undefined ? byOffset.get(delta.baseOffset) : objects.get(delta.baseOid as string);
      if (!base) {
        next.push(delta);
        continue;
      }
      const object: GitObject = { type: base.type, data: applyDelta(base.data, delta.delta) };
      const oid = objectId(object);
      byOffset.set(delta.offset, object);
      objects.set(oid, object);
      entries.push({ oid, offset: delta.offset, crc: delta.crc });
    }
    if (next.length === unresolved.length) {
      const first = next[0] as Pending;
      throw new Error(`delta base ${first.baseOid ?? `at offset ${first.baseOffset}`} of ${next.length} object(s) is not in the pack`);
    }
    unresolved = next;
  }
  entries.sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  return { entries, objects, checksum };
}

/** The `.idx` (version 2) file for an indexed pack, as `git index-pack` writes it. */
export function packIndexFile(indexed: Pick<IndexedPack, 'entries' | 'checksum'>): Buffer {
  const { entries } = indexed;
  const large = entries.filter((entry) => entry.offset >= 0x80000000);
  const size = 8 + 256 * 4 + entries.length * 28 + large.length * 8 + 40;
  const idx = Buffer.alloc(size);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  // Fanout: entry i counts the objects whose first byte is <= i (entries are sorted).
  let counted = 0;
  for (let first = 0; first < 256; first++) {
    while (counted < entries.length && parseInt((entries[counted] as PackEntry).oid.slice(0, 2), 16) <= first) counted++;
    idx.writeUInt32BE(counted, 8 + first * 4);
  }
  const shas = 8 + 256 * 4;
  const crcs = shas + entries.length * 20;
  const offsets = crcs + entries.length * 4;
  const largeOffsets = offsets + entries.length * 4;
  let nextLarge = 0;
  entries.forEach((entry, i) => {
    idx.write(entry.oid, shas + i * 20, 'hex');
    idx.writeUInt32BE(entry.crc >>> 0, crcs + i * 4);
    if (entry.offset < 0x80000000) {
      idx.writeUInt32BE(entry.offset, offsets + i * 4);
    } else {
      idx.writeUInt32BE((0x80000000 | nextLarge) >>> 0, offsets + i * 4);
      idx.writeBigUInt64BE(BigInt(entry.offset), largeOffsets + nextLarge * 8);
      nextLarge++;
    }
  });
  const trailer = largeOffsets + large.length * 8;
  idx.write(indexed.checksum, trailer, 'hex');
  createHash('sha1').update(idx.subarray(0, trailer + 20)).digest().copy(idx, trailer + 20);
  return idx;
}
