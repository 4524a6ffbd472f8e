import { GoStringer } from '../values';

const VERSION_RE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

/** A Masterminds/semver Version, with the methods templates call (`(semver "1.2.3").Major`). */
export class SemverVersion implements GoStringer {
  constructor(
    private readonly major: bigint,
    private readonly minor: bigint,
    private readonly patch: bigint,
    private readonly pre: string,
    private readonly metadata: string,
    private readonly original: string,
  ) {}

  /** semver.NewVersion: `v` prefix and missing minor/patch allowed ("1.2" is 1.2.0). */
  static parse(v: string): SemverVersion {
    const m = VERSION_RE.exec(v);
    if (!m) throw new Error('Invalid Semantic Version');
    const pre = m[5] ?? '';
    if (pre.split('.').some((id) => /^0\d+$/.test(id))) throw new Error('Version segment starts with 0');
    const num = (s: string | undefined): bigint => BigInt((s ?? '').replace('.', '') || '0');
    return new SemverVersion(num(m[1]), num(m[2]), num(m[3]), pre, m[8] ?? '', v);
  }

  Major(): bigint {
    return this.major;
  }
  Minor(): bigint {
    return this.minor;
  }
  Patch(): bigint {
    return this.patch;
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.metadata;
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    return this.goString();
  }

  goString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) s += '-' + this.pre;
    if (this.metadata) s += '+' + this.metadata;
    return s;
  }

  goTypeName(): string {
    return '*semver.Version';
  }

  /** Semver precedence: -1, 0 or 1 (metadata ignored). */
  compare(o: SemverVersion): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    return comparePrerelease(this.pre, o.pre);
  }
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

interface Constraint {
  op: string;
  con: SemverVersion;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const VERSION_PART = 'v?[0-9xX*]+(?:\\.[0-9xX*]+)?(?:\\.[0-9xX*]+)?(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?';
const OPS = '=>|=<|>=|<=|!=|~>|=|>|<|~|\\^';
const CONSTRAINT_RE = new RegExp(`(${OPS})?\\s*(${VERSION_PART})`, 'g');
const SEGMENT_RE = new RegExp(`^\\s*(?:(?:${OPS})?\\s*${VERSION_PART}\\s*,?\\s*)*$`);
const RANGE_RE = new RegExp(`\\s*(${VERSION_PART})\\s+-\\s+(${VERSION_PART})\\s*`, 'g');
const PARTS_RE = /^v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?((?:-|\+).*)?$/;

const isX = (s: string): boolean => s === 'x' || s === 'X' || s === '*';

function parseConstraint(op: string, text: string): Constraint {
  const m = PARTS_RE.exec(text);
  if (!m) throw new Error(`improper constraint: ${op}${text}`);
  const [, major = '', minorPart = '', patchPart = '', suffix = ''] = m;
  let ver = text;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    ver = `0.0.0${suffix}`;
    dirty = true;
  } else if (minorPart === '' || isX(minorPart.slice(1))) {
    ver = `${major}.0.0${suffix}`;
    dirty = true;
    minorDirty = true;
  } else if (patchPart === '' || isX(patchPart.slice(1))) {
    ver = `${major}${minorPart}.0${suffix}`;
    dirty = true;
    patchDirty = true;
  }
  return { op, con: SemverVersion.parse(ver), dirty, minorDirty, patchDirty };
}

/** Parses a Masterminds/semver constraint: `||` alternatives of comma- or space-separated comparisons. */
export function parseConstraints(text: string): Constraint[][] {
  const rewritten = text.replace(RANGE_RE, (_m, a: string, b: string) => ` >= ${a}, <= ${b} `);
  return rewritten.split('||').map((segment) => {
    if (!SEGMENT_RE.test(segment)) throw new Error(`improper constraint: ${segment}`);
    const found = [...segment.matchAll(CONSTRAINT_RE)].map((m) => parseConstraint(m[1] ?? '', m[2] ?? ''));
    return found.length > 0 ? found : [{ op: '', con: SemverVersion.parse('0.0.0'), dirty: true, minorDirty: false, patchDirty: false }];
  });
}

function check(v: SemverVersion, c: Constraint): boolean {
  // A prerelease version only matches a constraint that itself names a prerelease (`!=` of an exact version aside).
  if (v.Prerelease() !== '' && c.con.Prerelease() === '' && (c.op !== '!=' || c.dirty)) return false;
  const cmp = v.compare(c.con);
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : cmp === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      if (!c.dirty) return cmp > 0;
      if (v.Major() !== c.con.Major()) return v.Major() > c.con.Major();
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.Minor() > c.con.Minor();
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return cmp <= 0;
      if (v.Major() > c.con.Major()) return false;
      return !(v.Major() === c.con.Major() && v.Minor() > c.con.Minor() && !c.minorDirty);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.Major() === 0n && c.con.Minor() === 0n && c.con.Patch() === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.Major() !== c.con.Major()) return false;
  return !(v.Minor() !== c.con.Minor() && !c.minorDirty);
}

function caret(v: SemverVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.Major() > 0n || c.minorDirty) return v.Major() === c.con.Major();
  if (v.Major() > 0n) return false;
  if (c.con.Minor() > 0n || c.patchDirty) return v.Minor() === c.con.Minor();
  if (v.Minor() > 0n) return false;
  return v.Patch() === c.con.Patch();
}

function notEqual(v: SemverVersion, c: Constraint): boolean {
  if (c.dirty) {
    if (c.con.Major() !== v.Major()) return true;
    if (c.minorDirty) return false;
    if (c.con.Minor() !== v.Minor()) return true;
    if (c.patchDirty) return v.Prerelease() !== '' || c.con.Prerelease() !== '' ? comparePrerelease(v.Prerelease(), c.con.Prerelease()) !== 0 : false;
  }
  return v.compare(c.con) !== 0;
}

/** Sprig's semverCompare: does `version` satisfy `constraint`? */
export function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraints(constraint);
  const v = SemverVersion.parse(version);
  return groups.some((group) => group.every((c) => check(v, c)));
}
