import { randomBytes } from 'node:crypto';

/**
 * Blowfish's initial P-array and S-boxes are the fractional hexadecimal digits of π (18 + 4×256 words).
 * They are computed once, on first use, with Machin's formula in fixed-point BigInt arithmetic.
 */
let piWords: Uint32Array | null = null;

function fractionalPiWords(count: number): Uint32Array {
  const bits = BigInt(count * 32 + 64);
  const one = 1n << bits;
  const arctanInv = (x: bigint): bigint => {
    // arctan(1/x) = Σ (-1)^k / ((2k+1) x^(2k+1))
    let term = one / x;
    const x2 = x * x;
    let sum = 0n;
    for (let k = 0n; term !== 0n; k++) {
      const part = term / (2n * k + 1n);
      sum += k % 2n === 0n ? part : -part;
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  // Drop the integer part 3 and the 64 guard bits, keeping count × 32 fraction bits.
  const frac = (pi - 3n * one) >> 64n;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = Number((frac >> BigInt((count - 1 - i) * 32)) & 0xffffffffn);
  return out;
}

function initialState(): Uint32Array {
  piWords ??= fractionalPiWords(18 + 1024);
  return piWords.slice();
}

/** Blowfish state: P (18 words) then S0..S3 (256 words each) in one array. */
class Blowfish {
  readonly s: Uint32Array = initialState();

  private f(x: number): number {
    const s = this.s;
    const a = s[18 + (x >>> 24)] ?? 0;
    const b = s[18 + 256 + ((x >>> 16) & 0xff)] ?? 0;
    const c = s[18 + 512 + ((x >>> 8) & 0xff)] ?? 0;
    const d = s[18 + 768 + (x & 0xff)] ?? 0;
    return ((((a + b) >>> 0) ^ c) + d) >>> 0;
  }

  encrypt(l: number, r: number): [number, number] {
    const p = this.s;
    let xl = l;
    let xr = r;
    for (let i = 0; i < 16; i++) {
      xl = (xl ^ (p[i] ?? 0)) >>> 0;
      xr = (xr ^ this.f(xl)) >>> 0;
      [xl, xr] = [xr, xl];
    }
    [xl, xr] = [xr, xl];
    xr = (xr ^ (p[16] ?? 0)) >>> 0;
    xl = (xl ^ (p[17] ?? 0)) >>> 0;
    return [xl, xr];
  }

  /** Blowfish's key schedule with an optional salt mixed into the data stream (bcrypt's ExpandKey). */
  expand(key: Buffer, salt: Buffer | null): void {
    const s = this.s;
    let kpos = 0;
    const keyWord = (): number => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | (key[kpos] ?? 0)) >>> 0;
        kpos = (kpos + 1) % key.length;
      }
      return w;
    };
    for (let i = 0; i < 18; i++) s[i] = ((s[i] ?? 0) ^ keyWord()) >>> 0;
    let spos = 0;
    const saltWord = (): number => {
      if (!salt) return 0;
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | (salt[spos] ?? 0)) >>> 0;
        spos = (spos + 1) % salt.length;
      }
      return w;
    };
    let l = 0;
    let r = 0;
    for (let i = 0; i < s.length; i += 2) {
      l = (l ^ saltWord()) >>> 0;
      r = (r ^ saltWord()) >>> 0;
      [l, r] = this.encrypt(l, r);
      s[i] = l;
      s[i + 1] = r;
    }
  }
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's own base64: its alphabet, no padding. */
function bcryptBase64(b: Buffer): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const c1 = b[i] ?? 0;
    const c2 = b[i + 1];
    const c3 = b[i + 2];
    out += BCRYPT_ALPHABET[c1 >> 2];
    out += BCRYPT_ALPHABET[((c1 & 3) << 4) | ((c2 ?? 0) >> 4)];
    if (c2 === undefined) break;
    out += BCRYPT_ALPHABET[((c2 & 15) << 2) | ((c3 ?? 0) >> 6)];
    if (c3 === undefined) break;
    out += BCRYPT_ALPHABET[c3 & 63];
  }
  return out;
}

function bcryptBase64Decode(s: string): Buffer {
  const out: number[] = [];
  const v = [...s].map((c) => BCRYPT_ALPHABET.indexOf(c));
  for (let i = 0; i < v.length; i += 4) {
    const [a = 0, b = 0, c, d] = v.slice(i, i + 4);
    out.push(((a << 2) | (b >> 4)) & 255);
    if (c === undefined) break;
    out.push(((b << 4) | (c >> 2)) & 255);
    if (d === undefined) break;
    out.push(((c << 6) | d) & 255);
  }
  return Buffer.from(out);
}

const MAGIC = Buffer.from('OrpheanBeholderScryDoubt');

/**
 * bcrypt as Go's golang.org/x/crypto/bcrypt computes it ($2a$, the key with its trailing NUL, 23 of the 24
 * cipher bytes encoded). `salt22` is the 22-character encoded salt; a random one is drawn when absent.
 */
export function bcryptHash(password: string, cost = 10, salt22?: string): string {
  const pw = Buffer.from(password, 'utf8');
  if (pw.length > 72) throw new Error('bcrypt: password length exceeds 72 bytes');
  const saltText = salt22 ?? bcryptBase64(randomBytes(16));
  const salt = bcryptBase64Decode(saltText);
  const key = Buffer.concat([pw, Buffer.from([0])]);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 1 << cost; i++) {
    bf.expand(key, null);
    bf.expand(salt, null);
  }
  const words: number[] = [];
  for (let i = 0; i < 6; i++) words.push(MAGIC.readUInt32BE(i * 4));
  for (let i = 0; i < 6; i += 2) {
    let l = words[i] ?? 0;
    let r = words[i + 1] ?? 0;
    for (let j = 0; j < 64; j++) [l, r] = bf.encrypt(l, r);
    words[i] = l;
    words[i + 1] = r;
  }
  const out = Buffer.alloc(24);
  words.forEach((w, i) => out.writeUInt32BE(w, i * 4));
  return `$2a$${String(cost).padStart(2, '0')}$${saltText}${bcryptBase64(out.subarray(0, 23))}`;
}
