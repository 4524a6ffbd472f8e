import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitServer, tempDir, type GitRepoFixture } from '@ferry/testing';
import type { GitRemote } from '../app/ports';
import { fetchAndArchive, listRemoteRefs } from './git-operations';
import { resolveRef } from '../domain/git-ref';

/** A gpg home with one new signing key (no passphrase); its armored public key and fingerprint. */
function signingKey(home: string, uid: string): { publicKey: string; fingerprint: string } {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--homedir', home, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  gpg('--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never');
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--list-keys', '--with-colons'))?.[1] as string;
  return { publicKey: gpg('--armor', '--export', fingerprint), fingerprint };
}

describe('spec.verify with real gpg-signed commits and tags', () => {
  const dir = tempDir();
  const homes = [join(dir.path, 'gnupg'), join(dir.path, 'gnupg-other')];
  let server: GitServer;
  let repo: GitRepoFixture;
  let key: { publicKey: string; fingerprint: string };
  let other: { publicKey: string; fingerprint: string };
  let signed: string;
  let unsigned: string;
  const limits = { maxFiles: 100, maxBytes: 1_000_000 };

  beforeAll(async () => {
    key = signingKey(homes[0] as string, 'Ferry Signer <signer@ferry.invalid>');
    other = signingKey(homes[1] as string, 'Someone Else <else@ferry.invalid>');
    server = await GitServer.start();
    repo = await server.createRepo('signed.git');
    unsigned = await repo.commit({ 'a.yaml': 'a: 1\n' });
    await repo.tag('v0.1.0', { message: 'unsigned annotated tag' });
    const env = { ...process.env, HOME: repo.workPath, GNUPGHOME: homes[0], GIT_AUTHOR_NAME: 'Signer', GIT_AUTHOR_EMAIL: 'signer@ferry.invalid', GIT_COMMITTER_NAME: 'Signer', GIT_COMMITTER_EMAIL: 'signer@ferry.invalid' };
    const git = (...args: string[]) => execFileSync('git', ['-c', `user.signingkey=${key.fingerprint}`, ...args], { cwd: repo.workPath, env }).toString().trim();
    writeFileSync(join(repo.workPath, 'a.yaml'), 'a: 2\n');
    git('commit', '-q', '-S', '-am', 'signed commit');
    git('tag', '-s', 'v1.0.0', '-m', 'signed tag');
    git('tag', 'v1.0.1');
    git('push', '-q', 'origin', 'main', 'v1.0.0', 'v1.0.1');
    signed = git('rev-parse', 'HEAD');
  });

  afterAll(async () => {
    for (const home of homes) execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
    await server.stop();
    dir.remove();
  });

  async function archive(ref: { branch?: string; tag?: string }, mode: 'HEAD' | 'Tag' | 'TagAndHEAD', keyRings: string[], name: string) {
    const remote: GitRemote = { url: repo.url, auth: {}, timeoutMs: 10_000 };
    const resolved = resolveRef(ref, (await listRemoteRefs(remote, undefined)).refs, repo.url);
    return fetchAndArchive({
      remote,
      mirrorDir: join(dir.path, `mirror-${name}`),
      fetchRef: resolved.fetchRef,
      commit: resolved.commit,
      shallow: true,
      ignore: undefined,
      includes: [],
      outFile: join(dir.path, `${name}.tar.gz`),
      limits,
      verify: { mode, keyRings, ...(resolved.tag ? { tag: resolved.tag } : {}) },
    });
  }

  it('verifies the HEAD commit and a signed tag with the key of the secret, naming the key as Flux does', async () => {
    const keyId = key.fingerprint.slice(-16);
    const head = await archive({ branch: 'main' }, 'HEAD', [other.publicKey, key.publicKey], 'head');
    expect(head.verified).toBe(`verified signature of\n\t- commit '${signed}' with key '${keyId}'`);
    const both = await archive({ tag: 'v1.0.0' }, 'TagAndHEAD', [key.publicKey], 'both');
    expect(both.verified).toMatch(new RegExp(`^verified signature of\\n\\t- tag 'v1\\.0\\.0@[0-9a-f]{40}' with key '${keyId}'\\n\\t- commit '${signed}' with key '${keyId}'$`));
  });

  it('fails with Flux reasons: wrong key, unsigned commit, unsigned or lightweight tag, Tag mode on a branch', async () => {
    await expect(archive({ branch: 'main' }, 'HEAD', [other.publicKey], 'wrong')).rejects.toMatchObject({
      reason: 'InvalidCommitSignature',
      stage: 'verify',
      message: `signature verification of commit '${signed}' failed: no public key of the secret matches the signature`,
    });
    await expect(archive({ tag: 'v0.1.0' }, 'HEAD', [key.publicKey], 'unsigned')).rejects.toMatchObject({
      reason: 'InvalidCommitSignature',
      message: `signature verification of commit '${unsigned}' failed: the commit is not signed`,
    });
    await expect(archive({ tag: 'v0.1.0' }, 'Tag', [key.publicKey], 'unsigned-tag')).rejects.toMatchObject({ reason: 'InvalidGitObject', message: expect.stringMatching(/^cannot verify signature of tag 'v0\.1\.0@[0-9a-f]{40}' since it is not signed$/) });
    await expect(archive({ tag: 'v1.0.1' }, 'Tag', [key.publicKey], 'lightweight')).rejects.toMatchObject({ reason: 'InvalidGitObject' });
    await expect(archive({ branch: 'main' }, 'Tag', [key.publicKey], 'branch')).rejects.toMatchObject({ reason: 'InvalidVerificationMode', retryable: false });
    await expect(archive({ branch: 'main' }, 'HEAD', ['not a key'], 'garbage')).rejects.toMatchObject({ reason: 'InvalidCommitSignature', message: expect.stringContaining('cannot read the public keys') });
  });
});
