import { createCipheriv, createDecipheriv, createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { variadic } from '../arity';
import { intArg, stringArg } from '../go-args';
import { bcryptHash } from './bcrypt';

function adler32(s: string): bigint {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return BigInt((b * 65536 + a) >>> 0);
}

function generatePrivateKey(type: string): string {
  switch (type) {
    case '':
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .privateKey.export({ type: 'sec1', format: 'pem' })
        .toString();
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'dsa':
      throw new Error('genPrivateKey "dsa" is not supported by Ferry');
    default:
      return 'Unknown type ' + type;
  }
}

/** Sprig's AES key: the password's bytes in a zeroed 32-byte buffer (AES-256). */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 32 || crypt.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  decipher.setAutoPadding(false);
  const decrypted = Buffer.concat([decipher.update(crypt.subarray(16)), decipher.final()]);
  const pad = decrypted[decrypted.length - 1] ?? 0;
  return decrypted.subarray(0, decrypted.length - pad).toString('utf8');
}

/** The Master Password algorithm's templates, as Sprig's derivePassword defines them. */
const PASSWORD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';

function uint32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const seed = Buffer.from(MASTER_PASSWORD_SEED);
  const userBytes = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([seed, uint32be(userBytes.length), userBytes]);
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const siteBytes = Buffer.from(site, 'utf8');
  const message = Buffer.concat([seed, uint32be(siteBytes.length), siteBytes, uint32be(counter)]);
  const digest = createHmac('sha256', key).update(message).digest();
  const template = templates[(digest[0] ?? 0) % templates.length] ?? '';
  return [...template]
    .map((element, i) => {
      const chars = TEMPLATE_CHARACTERS[element] ?? '';
      return chars[(digest[i + 1] ?? 0) % chars.length];
    })
    .join('');
}

function bcrypt(input: string): string {
  try {
    return bcryptHash(input);
  } catch (e) {
    return `failed to encrypt string with bcrypt: ${(e as Error).message}`;
  }
}

/** Sprig's htpasswd: `user:<bcrypt hash>`, or `user:{SHA}<base64 sha1>` with hash type "sha". */
function htpasswd(username: string, password: string, hashType: string): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  if (hashType === 'sha') return `${username}:{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`;
  return `${username}:${bcrypt(password)}`;
}

/** Sprig's hash, random, key, password and AES functions. */
export const cryptoFunctions = {
  sha1sum: (s: unknown) => createHash('sha1').update(stringArg(s), 'utf8').digest('hex'),
  sha256sum: (s: unknown) => createHash('sha256').update(stringArg(s), 'utf8').digest('hex'),
  sha512sum: (s: unknown) => createHash('sha512').update(stringArg(s), 'utf8').digest('hex'),
  adler32sum: (s: unknown) => adler32(stringArg(s)).toString(),
  randBytes: (count: unknown) => {
    const n = intArg(count);
    if (n < 0) throw new Error('runtime error: makeslice: len out of range');
    return randomBytes(n).toString('base64');
  },
  uuidv4: () => randomUUID(),
  bcrypt: (s: unknown) => bcrypt(stringArg(s)),
  htpasswd: variadic(2, (user: unknown, password: unknown, ...hashType: unknown[]) =>
    htpasswd(stringArg(user), stringArg(password), hashType.length > 0 ? stringArg(hashType[0]) : 'bcrypt'),
  ),
  genPrivateKey: (type: unknown) => generatePrivateKey(stringArg(type)),
  encryptAES: (password: unknown, plaintext: unknown) => encryptAES(stringArg(password), stringArg(plaintext)),
  decryptAES: (password: unknown, crypt64: unknown) => decryptAES(stringArg(password), stringArg(crypt64)),
  derivePassword: (counter: unknown, type: unknown, password: unknown, user: unknown, site: unknown) =>
    derivePassword(intArg(counter), stringArg(type), stringArg(password), stringArg(user), stringArg(site)),
};
