import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

/** A Git object read from a pack. */
export interface GitObject {
  type: 'commit' | 'tree' | 'blob' | 'tag';
  data: Buffer;
}

/** One entry of a tree object. */
export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

const TYPES = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' } as const;
const OFS_DELTA = 6;
const REF_DELTA = 7;

/** A pack entry's header: a whole object of a type, or a delta against a base at an offset or with an id. */
export type EntryHeader = { dataStart: number } & (
  | { kind: 'object'; type: GitObject['type'] }
  | { kind: 'ofs'; baseOffset: number }
  | { kind: 'ref'; baseOid: string }
);

/** Parses the header of the pack entry at `offset`; `dataStart` is where its zlib stream begins. */
export function entryHeader(data: Buffer, offset: number): EntryHeader {
  let position = offset;
  let byte = data[position++] as number;
  const type = (byte >> 4) & 7;
  while (byte & 0x80) byte = data[position++] as number;
  if (type === OFS_DELTA) {
    byte = data[position++] as number;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      byte = data[position++] as number;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    return { kind: 'ofs', baseOffset: offset - distance, dataStart: position };
  }
  if (type === REF_DELTA) return { kind: 'ref', baseOid: data.toString('hex', position, position + 20), dataStart: position + 20 };
  const name = TYPES[type as keyof typeof TYPES];
  if (!name) throw new Error(`unknown pack object type ${type} at offset ${offset}`);
  return { kind: 'object', type: name, dataStart: position };
}

interface Pack {
  id: number;
  file: string;
  data?: Buffer;
  /** Entry offset → offset of the next entry (where its compressed data ends). */
  ends: Map<number, number>;
}

/**
 * Reads objects straight from a mirror's packfiles with native zlib (what the archive step needs), objects a
 * fetch just resolved served from memory. Handles v2 indexes, offset and ref deltas (across packs too).
 */
export class PackReader {
  private readonly index = new Map<string, { pack: Pack; offset: number }>();
  private readonly bases = new Map<string, GitObject>();
  private packs = 0;

  /** `known`: objects already resolved (by the pack indexer after a fetch), served without touching the packs. */
  constructor(
    gitdir: string,
    private readonly known: ReadonlyMap<string, GitObject> = new Map(),
  ) {
    const dir = join(gitdir, 'objects', 'pack');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.idx'));
    } catch {
      return;
    }
    for (const name of names) this.load(join(dir, name));
  }

  /** The object, or undefined when it is not in any pack (a loose object). */
  read(oid: string): GitObject | undefined {
    const resolved = this.known.get(oid);
    if (resolved) return resolved;
    const location = this.index.get(oid);
    return location ? this.readAt(location.pack, location.offset) : undefined;
  }

  /** How many packs the repository has. */
  get packCount(): number {
    return this.packs;
  }

  /** Whether the object is in a pack (without reading it). */
  has(oid: string): boolean {
    return this.known.has(oid) || this.index.has(oid);
  }

  private load(idxFile: string): void {
    const idx = readFileSync(idxFile);
    if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) throw new Error(`${idxFile}: unsupported pack index version`);
    const count = idx.readUInt32BE(8 + 255 * 4);
    const shas = 8 + 256 * 4;
    const offsets = shas + count * 24;
    const large = offsets + count * 4;
    const file = idxFile.replace(/\.idx$/, '.pack');
    const pack: Pack = { id: this.packs++, file, ends: new Map() };
    const all: number[] = [];
    for (let i = 0; i < count; i++) {
      const oid = idx.toString('hex', shas + i * 20, shas + (i + 1) * 20);
      let offset = idx.readUInt32BE(offsets + i * 4);
      if (offset & 0x80000000) offset = Number(idx.readBigUInt64BE(large + (offset & 0x7fffffff) * 8));
      this.index.set(oid, { pack, offset });
      all.push(offset);
    }
    all.sort((a, b) => a - b);
    // The pack ends with a 20-byte checksum.
    const packSize = statSync(file).size;
    all.forEach((offset, i) => pack.ends.set(offset, all[i + 1] ?? packSize - 20));
  }

  private readAt(pack: Pack, offset: number): GitObject {
    const data = this.dataOf(pack);
    const header = entryHeader(data, offset);
    const end = pack.ends.get(offset) ?? data.length - 20;
    const inflated = inflateSync(data.subarray(header.dataStart, end));
    if (header.kind === 'object') return { type: header.type, data: inflated };
    const base =
      header.kind === 'ofs'
        ? this.base(`${pack.id}:${header.baseOffset}`, () => this.readAt(pack, header.baseOffset))
        : this.base(header.baseOid, () => {
            const found = this.read(header.baseOid);
            if (!found) throw new Error(`delta base ${header.baseOid} not found in any pack`);
            return found;
          });
    return { type: base.type, data: applyDelta(base.data, inflated) };
  }

  // Pack files are read when an object is first needed from them: a fetch hands its objects over already
  // resolved, and its pack need not be loaded again.
  private dataOf(pack: Pack): Buffer {
    pack.data ??= readFileSync(pack.file);
    return pack.data;
  }

  // Delta bases are shared by many objects (every version of a file): resolve each once.
  private base(key: string, read: () => GitObject): GitObject {
    let object = this.bases.get(key);
    if (!object) {
      object = read();
      this.bases.set(key, object);
    }
    return object;
  }
}

function varint(buffer: Buffer, start: number): [number, number] {
  let position = start;
  let value = 0;
  let shift = 1;
  let byte: number;
  do {
    byte = buffer[position++] as number;
    value += (byte & 0x7f) * shift;
    shift *= 128;
  } while (byte & 0x80);
  return [value, position];
}

/** Applies a Git delta (copy/insert instructions) to its base. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let [, position] = varint(delta, 0);
  const [size, after] = varint(delta, position);
  position = after;
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  while (position < delta.length) {
    const op = delta[position++] as number;
    if (op & 0x80) {
      let copyOffset = 0;
      let copySize = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) copyOffset += (delta[position++] as number) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) copySize += (delta[position++] as number) * 2 ** (8 * bit);
      if (copySize === 0) copySize = 0x10000;
      written += base.copy(out, written, copyOffset, copyOffset + copySize);
    } else if (op > 0) {
      written += delta.copy(out, written, position, position + op);
      position += op;
    } else {
      throw new Error('invalid delta instruction 0');
    }
  }
  if (written !== size) throw new Error(`delta produced ${written} bytes, expected ${size}`);
  return out;
}

/** Parses a tree object's entries. */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const nul = data.indexOf(0, space);
    entries.push({
      mode: data.toString('latin1', position, space),
      name: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
    });
    position = nul + 21;
  }
  return entries;
}
