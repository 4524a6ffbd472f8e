import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { utils } from 'ssh2';
import { fingerprintOf, generateEd25519KeyPair, publicKeyOf } from './ssh-keys';

describe('generateEd25519KeyPair', () => {
  it('writes an OpenSSH private key that ssh-keygen reads back to the same public key', () => {
    const pair = generateEd25519KeyPair('flux');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ flux$/);
    const dir = tempDir('ferry-ssh-');
    try {
      const file = join(dir.path, 'identity');
      writeFileSync(file, pair.privateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
      expect(derived.split(' ').slice(0, 2).join(' ')).toBe(pair.publicKey.split(' ').slice(0, 2).join(' '));
    } finally {
      dir.remove();
    }
  });

  it('signs with the private key so the public key verifies (ssh2 parses both)', () => {
    const pair = generateEd25519KeyPair();
    const privateKey = utils.parseKey(pair.privateKey);
    const publicKey = utils.parseKey(pair.publicKey);
    if (privateKey instanceof Error || publicKey instanceof Error) throw new Error('unparseable key');
    const data = Buffer.from('bootstrap');
    expect(publicKey.verify(data, privateKey.sign(data))).toBe(true);
  });

  it('derives the public line and fingerprint from a private key', () => {
    const pair = generateEd25519KeyPair('x');
    expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey.replace(/ x$/, ''));
    expect(fingerprintOf(pair.publicKey)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(() => publicKeyOf('not a key')).toThrow();
  });
});
