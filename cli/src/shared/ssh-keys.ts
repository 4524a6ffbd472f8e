import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** An SSH key pair in OpenSSH format, as a GitRepository's Secret carries it (`identity`, `identity.pub`). */
export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` … */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKey: string;
}

const ED25519 = 'ssh-ed25519';

/** A fresh ed25519 key pair (node:crypto), written in OpenSSH's formats. */
export function generateEd25519KeyPair(comment = ''): SshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const publicBytes = Buffer.from(jwk.x ?? '', 'base64url');
  return { privateKey: openSshPrivateKey(seed, publicBytes, comment), publicKey: openSshPublicKey(publicBytes, comment) };
}

/** The `ssh-ed25519 AAAA…` public line of an OpenSSH ed25519 private key (the public half is stored inside it). */
export function publicKeyOf(privateKeyPem: string): string {
  const body = privateKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const reader = new SshReader(Buffer.from(body, 'base64'));
  const magic = reader.bytes(15).toString('latin1');
  if (magic !== 'openssh-key-v1\0') {
    // PEM/PKCS#8 keys: let node:crypto derive the public key (ed25519 only).
    const key = createPublicKey(createPrivateKey(privateKeyPem));
    const jwk = key.export({ format: 'jwk' });
    if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('only ed25519 private keys are supported');
    return openSshPublicKey(Buffer.from(jwk.x, 'base64url'), '');
  }
  reader.string(); // cipher
  reader.string(); // kdf
  reader.string(); // kdf options
  reader.uint32(); // number of keys
  const publicBlob = reader.string();
  const type = new SshReader(publicBlob).string().toString('latin1');
  return `${type} ${publicBlob.toString('base64')}`;
}

/** `SHA256:…`, the fingerprint `ssh-keygen -l` prints. */
export function fingerprintOf(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function openSshPublicKey(publicBytes: Buffer, comment: string): string {
  const blob = Buffer.concat([sshString(ED25519), sshString(publicBytes)]);
  return `${ED25519} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

// The unencrypted openssh-key-v1 container (PROTOCOL.key): one key, the private section padded to 8 bytes.
function openSshPrivateKey(seed: Buffer, publicBytes: Buffer, comment: string): string {
  const publicBlob = Buffer.concat([sshString(ED25519), sshString(publicBytes)]);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, sshString(ED25519), sshString(publicBytes), sshString(Buffer.concat([seed, publicBytes])), sshString(comment)]);
  const padding: number[] = [];
  for (let index = 1; (section.length + padding.length) % 8 !== 0; index++) padding.push(index);
  section = Buffer.concat([section, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

class SshReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  bytes(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw new Error('truncated OpenSSH key');
    const out = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }
}

/** The host's keys in known_hosts format, scanned with `ssh-keyscan` as flux does; fails naming the host. */
export async function scanKnownHosts(host: string, port = ''): Promise<string> {
  try {
    const { stdout } = await exec('ssh-keyscan', ['-T', '10', ...(port ? ['-p', port] : []), host], { timeout: 30_000 });
    if (!stdout.trim()) throw new Error('no host key returned');
    return stdout;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`cannot scan the SSH host key of ${host}${port ? `:${port}` : ''} for known_hosts: ${reason}`);
  }
}

/** Reads a key or known_hosts file named by a flag, failing with the flag, the path and why. */
export function readKeyFile(path: string, flag = '--private-key-file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}`);
  }
}
