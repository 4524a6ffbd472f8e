import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Digest } from '@ferry/artifact';
import { GitServer, tempDir } from '@ferry/testing';
import { WorkerGitArchiver } from './worker-git-archiver';

describe('WorkerGitArchiver', () => {
  let server: GitServer;
  const dir = tempDir();
  const archiver = new WorkerGitArchiver();

  beforeAll(async () => {
    server = await GitServer.start();
  });

  afterAll(async () => {
    await archiver.close();
    await server.stop();
    dir.remove();
  });

  it('fetches and archives on a worker thread, and carries failures back with their reason', async () => {
    const repo = await server.createRepo('worker.git');
    const commit = await repo.commit({ 'a.yaml': 'a: 1\n' });
    const remote = { url: repo.url, auth: {}, timeoutMs: 10_000 };
    const limits = { maxFiles: 10, maxBytes: 1000 };
    const outFile = join(dir.path, 'out.tar.gz');
    const result = await archiver.archive({ remote, mirrorDir: join(dir.path, 'm'), fetchRef: 'refs/heads/main', commit, shallow: true, ignore: undefined, includes: [], outFile, limits });
    expect(result).toMatchObject({ files: 1, digest: sha256Digest(readFileSync(outFile)) });
    const missing = 'f'.repeat(40);
    await expect(
      archiver.archive({ remote, mirrorDir: join(dir.path, 'm'), fetchRef: 'refs/heads/main', commit: missing, shallow: false, ignore: undefined, includes: [], outFile, limits }),
    ).rejects.toMatchObject({ name: 'ReconcileFailure', reason: 'GitOperationFailed', message: expect.stringContaining(`commit '${missing}' not found`) });
  });
});
