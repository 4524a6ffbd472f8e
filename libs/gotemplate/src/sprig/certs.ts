import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { intArg, stringArg } from '../go-args';
import { kindOf, mapGet } from '../values';

/** Sprig's certificate result: PEM certificate and PEM private key, read in templates as `.Cert` and `.Key`. */
export class Certificate {
  constructor(
    readonly Cert: string,
    readonly Key: string,
  ) {}
}

// Minimal DER encoding: only what an X.509 v3 certificate with Sprig's fields needs.
function tlv(tag: number, body: Buffer): Buffer {
  const len = body.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bitString = (b: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
const explicit = (n: number, b: Buffer): Buffer => tlv(0xa0 + n, b);
const NULL = Buffer.from([0x05, 0x00]);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let body = b.subarray(i);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let n = p >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(d: Date): Buffer {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const year = d.getUTCFullYear();
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  // RFC 5280: UTCTime through 2049, GeneralizedTime after.
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(pad(year % 100) + rest));
  return tlv(0x18, Buffer.from(String(year) + rest));
}

function name(cn: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(cn);
  return seq(set(seq(oid('2.5.4.3'), tlv(printable ? 0x13 : 0x0c, Buffer.from(cn, 'utf8')))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [TRUE] : []), octets(value));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(all.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

function signatureAlgorithm(key: KeyObject): { der: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { der: seq(oid('1.2.840.113549.1.1.11'), NULL), digest: 'sha256' };
    case 'ec':
      return { der: seq(oid('1.2.840.10045.4.3.2')), digest: 'sha256' };
    case 'ed25519':
      return { der: seq(oid('1.3.101.112')), digest: null };
    default:
      throw new Error(`x509: unsupported private key type ${key.asymmetricKeyType}`);
  }
}

/** The PEM Sprig prints for a key: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 otherwise. */
function keyPem(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return key.export({ type: 'pkcs1', format: 'pem' }).toString();
  if (key.asymmetricKeyType === 'ec') return key.export({ type: 'sec1', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function subjectKeyId(key: KeyObject): Buffer {
  // Go (and RFC 5280 method 1): SHA-1 of the subjectPublicKey bit string contents.
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const bits = readSpkiBits(spki);
  return createHash('sha1').update(bits).digest();
}

/** The elements of a DER SEQUENCE (or other constructed value) as [tag, start of the element, end]. */
function children(buf: Buffer): { tag: number; start: number; body: number; end: number }[] {
  const out: { tag: number; start: number; body: number; end: number }[] = [];
  const header = readHeader(buf, 0);
  for (let at = header.body; at < header.end; ) {
    const h = readHeader(buf, at);
    out.push({ tag: buf[at] ?? 0, start: at, body: h.body, end: h.end });
    at = h.end;
  }
  return out;
}

function readHeader(buf: Buffer, at: number): { body: number; end: number } {
  let len = buf[at + 1] ?? 0;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[at + 2 + i] ?? 0);
    body = at + 2 + n;
  }
  return { body, end: body + len };
}

/** The BIT STRING contents of a SubjectPublicKeyInfo (its second element), without the unused-bits byte. */
function readSpkiBits(spki: Buffer): Buffer {
  const bits = children(spki)[1];
  if (!bits) throw new Error('x509: malformed public key');
  return spki.subarray(bits.body + 1, bits.end);
}

/** The subject Name of a DER certificate, byte for byte (a signed certificate's issuer must equal it). */
function rawSubject(certDer: Buffer): Buffer {
  const tbsInfo = children(certDer)[0];
  if (!tbsInfo) throw new Error('x509: malformed certificate');
  const tbs = certDer.subarray(tbsInfo.start, tbsInfo.end);
  const fields = children(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  if (!subject) throw new Error('x509: malformed certificate');
  return tbs.subarray(subject.start, subject.end);
}

interface CertTemplate {
  cn: string;
  ips: string[];
  dnsNames: string[];
  days: number;
  isCA: boolean;
}

interface Signer {
  subject: Buffer;
  key: KeyObject;
  keyId: Buffer | null;
}

function createCertificate(t: CertTemplate, key: KeyObject, signer: Signer | null): Certificate {
  const subjectName = name(t.cn);
  const issuer = signer ?? { subject: subjectName, key, keyId: null };
  const alg = signatureAlgorithm(issuer.key);
  const now = new Date();
  const notAfter = new Date(now.getTime() + t.days * 24 * 3600 * 1000);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  // Key usage bits: digitalSignature (0), keyEncipherment (2), and keyCertSign (5) for a CA.
  const keyUsage = t.isCA ? bitString(Buffer.from([0xa4]), 2) : bitString(Buffer.from([0xa0]), 5);
  const ownKeyId = t.isCA ? subjectKeyId(key) : null;
  const extensions = [
    extension('2.5.29.15', true, keyUsage),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, t.isCA ? seq(TRUE) : seq()),
  ];
  if (ownKeyId) extensions.push(extension('2.5.29.14', false, octets(ownKeyId)));
  if (signer?.keyId) extensions.push(extension('2.5.29.35', false, seq(tlv(0x80, signer.keyId))));
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [...t.dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...t.ips.map((ip) => tlv(0x87, ipBytes(ip)))];
    extensions.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0]), randomBytes(16)])),
    alg.der,
    issuer.subject,
    seq(time(now), time(notAfter)),
    subjectName,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(alg.digest, tbs, issuer.key);
  const der = seq(tbs, alg.der, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return new Certificate(pem, keyPem(key));
}

function newRsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function parseKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new Error('error parsing private key: no PEM data found or unsupported key type');
  }
}

function stringList(v: unknown, what: string): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`error ${what}: expected a list, got ${kindOf(v)}`);
  return v.map((x) => {
    if (typeof x !== 'string') throw new Error(`error ${what}: ${JSON.stringify(x)} is not a string`);
    return x;
  });
}

function ips(v: unknown): string[] {
  return stringList(v, 'parsing IPs').map((ip) => {
    if (isIP(ip) === 0) throw new Error(`error parsing ip: ${ip}`);
    return ip;
  });
}

function caArg(v: unknown): Signer {
  const cert = v instanceof Certificate ? v.Cert : stringArg(mapGet(v as Record<string, unknown>, 'Cert') ?? '');
  const key = v instanceof Certificate ? v.Key : stringArg(mapGet(v as Record<string, unknown>, 'Key') ?? '');
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch {
    throw new Error('error parsing certificate: no PEM data found');
  }
  const signerKey = parseKey(key);
  return { subject: rawSubject(parsed.raw), key: signerKey, keyId: parsed.ca ? subjectKeyId(signerKey) : null };
}

function template(cn: unknown, ipList: unknown, dns: unknown, days: unknown, isCA: boolean): CertTemplate {
  return { cn: stringArg(cn), ips: ips(ipList), dnsNames: stringList(dns, 'parsing alternate DNS names'), days: intArg(days), isCA };
}

/** Sprig's certificate functions (RSA 2048 keys unless a PEM key is given, SHA-256 signatures). */
export const certFunctions = {
  genCA: (cn: unknown, days: unknown) => createCertificate(template(cn, [], [], days, true), newRsaKey(), null),
  genCAWithKey: (cn: unknown, days: unknown, key: unknown) =>
    createCertificate(template(cn, [], [], days, true), parseKey(stringArg(key)), null),
  genSelfSignedCert: (cn: unknown, ipList: unknown, dns: unknown, days: unknown) =>
    createCertificate(template(cn, ipList, dns, days, false), newRsaKey(), null),
  genSelfSignedCertWithKey: (cn: unknown, ipList: unknown, dns: unknown, days: unknown, key: unknown) =>
    createCertificate(template(cn, ipList, dns, days, false), parseKey(stringArg(key)), null),
  genSignedCert: (cn: unknown, ipList: unknown, dns: unknown, days: unknown, ca: unknown) =>
    createCertificate(template(cn, ipList, dns, days, false), newRsaKey(), caArg(ca)),
  genSignedCertWithKey: (cn: unknown, ipList: unknown, dns: unknown, days: unknown, ca: unknown, key: unknown) =>
    createCertificate(template(cn, ipList, dns, days, false), parseKey(stringArg(key)), caArg(ca)),
  buildCustomCert: (b64cert: unknown, b64key: unknown) => {
    const cert = Buffer.from(stringArg(b64cert), 'base64').toString('utf8');
    const key = Buffer.from(stringArg(b64key), 'base64').toString('utf8');
    try {
      new X509Certificate(cert);
    } catch {
      throw new Error('unable to decode certificate');
    }
    parseKey(key);
    return new Certificate(cert, key);
  },
};
