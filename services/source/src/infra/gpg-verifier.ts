import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedPayload } from '../domain/signature';

function gpg(home: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('gpg', ['--batch', '--no-tty', '--homedir', home, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('the gpg command is not installed: spec.verify needs it to check OpenPGP signatures') : error),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (input !== undefined && child.stdin) {
      // gpg may exit (and close its stdin) before reading all of it; its exit code and stderr tell why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/**
 * Checks an OpenPGP signature against the armored public keys given (a GitRepository's `spec.verify`
 * Secret), with the real `gpg` in a throw-away home directory: nothing of the host's keyrings or trust
 * settings takes part, only these keys. Resolves to the signing key's id (16 hex digits), as Flux reports it.
 */
export async function verifySignature(keyRings: readonly string[], signed: SignedPayload): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'ferry-gpg-'));
  try {
    for (const keyRing of keyRings) {
      const imported = await gpg(home, ['--import'], keyRing);
      if (imported.code !== 0) throw new Error(`cannot read the public keys: ${imported.stderr.trim().split('\n').pop() ?? 'gpg --import failed'}`);
    }
    writeFileSync(join(home, 'payload'), signed.payload);
    writeFileSync(join(home, 'payload.sig'), signed.signature);
    const result = await gpg(home, ['--status-fd', '1', '--verify', join(home, 'payload.sig'), join(home, 'payload')]);
    const good = /^\[GNUPG:\] GOODSIG ([0-9A-F]{16}) /m.exec(result.stdout);
    if (result.code === 0 && good) return good[1] as string;
    if (/^\[GNUPG:\] NO_PUBKEY /m.test(result.stdout)) throw new Error('no public key of the secret matches the signature');
    if (/^\[GNUPG:\] BADSIG /m.test(result.stdout)) throw new Error('the signature does not match the signed content');
    const [, status] = /^\[GNUPG:\] (EXPKEYSIG|REVKEYSIG|EXPSIG|ERRSIG)/m.exec(result.stdout) ?? [];
    throw new Error(status ? `gpg reported ${status}` : `gpg could not verify the signature: ${result.stderr.trim().split('\n').pop() ?? ''}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
