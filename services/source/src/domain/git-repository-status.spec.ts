import type { GitRepository } from '@ferry/contracts';
import { failedStatus, progressingStatus, requiresVerification, succeededStatus } from './git-repository-status';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T00:05:00Z');
const repository: GitRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'app', namespace: 'ns', generation: 3 },
  spec: { url: 'https://x.invalid/app.git', interval: '1m', timeout: '60s', suspend: false, recurseSubmodules: false, ignore: '*.md' },
};
const artifact = { path: 'p', url: 'http://x/p', revision: `main@sha1:${'a'.repeat(40)}`, digest: `sha256:${'b'.repeat(64)}`, lastUpdateTime: '2026-01-01T00:00:00Z', size: 10 };

describe('GitRepository status', () => {
  it('given progress then success, Reconciling is removed and Ready/ArtifactInStorage are True with Flux messages', () => {
    const progressing = { ...repository, status: progressingStatus(repository, 'building artifact', now) };
    expect(progressing.status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Reconciling', 'True'],
      ['Ready', 'Unknown'],
    ]);
    const status = succeededStatus(progressing, { artifact, requestedAt: 'r1' }, later);
    expect(status.conditions).toEqual([
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, observedGeneration: 3, lastTransitionTime: '2026-01-01T00:05:00Z' },
      { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, observedGeneration: 3, lastTransitionTime: '2026-01-01T00:05:00Z' },
    ]);
    expect(status).toMatchObject({ artifact, observedGeneration: 3, lastHandledReconcileAt: 'r1', observedIgnore: '*.md' });
  });

  it('given a retryable failure after success, the artifact stays and Reconciling carries ProgressingWithRetry', () => {
    const ok = { ...repository, status: succeededStatus(repository, { artifact, requestedAt: undefined }, now) };
    const status = failedStatus(ok, { reason: 'GitOperationFailed', message: 'boom', stage: 'fetch', retryable: true, requestedAt: undefined }, later);
    expect(status.artifact).toEqual(artifact);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'GitOperationFailed'],
      ['ArtifactInStorage', 'True', 'Succeeded'],
      ['FetchFailed', 'True', 'GitOperationFailed'],
      ['Reconciling', 'True', 'ProgressingWithRetry'],
    ]);
  });

  it('given a terminal failure, Stalled is True and Reconciling is gone', () => {
    const status = failedStatus(repository, { reason: 'InvalidSemVer', message: 'bad', stage: 'fetch', retryable: false, requestedAt: undefined }, now);
    expect(status.conditions?.map((c) => c.type)).toEqual(['Ready', 'FetchFailed', 'Stalled']);
  });

  it('given spec.verify, a verified build sets SourceVerified and sourceVerificationMode, a failed one SourceVerified=False', () => {
    const verifying: GitRepository = { ...repository, spec: { ...repository.spec, verify: { mode: 'HEAD', secretRef: { name: 'keys' } } } };
    expect(requiresVerification(verifying)).toBe(true);
    const verified = { ...verifying, status: succeededStatus(verifying, { artifact, requestedAt: undefined, verification: { mode: 'HEAD', message: 'verified signature of\n\t- commit' } }, now) };
    expect(verified.status.sourceVerificationMode).toBe('HEAD');
    expect(verified.status.conditions?.find((c) => c.type === 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'verified signature of\n\t- commit' });
    expect(requiresVerification(verified)).toBe(false);
    expect(requiresVerification({ ...verified, spec: { ...verified.spec, verify: { mode: 'TagAndHEAD', secretRef: { name: 'keys' } } } })).toBe(true);
    const failed = failedStatus(verified, { reason: 'InvalidCommitSignature', message: 'signature verification of commit failed', stage: 'verify', retryable: true, requestedAt: undefined }, later);
    expect(failed.conditions?.find((c) => c.type === 'SourceVerified')).toMatchObject({ status: 'False', reason: 'InvalidCommitSignature' });
    const dropped = succeededStatus({ ...verified, spec: repository.spec }, { artifact, requestedAt: undefined }, later);
    expect(dropped.conditions?.some((c) => c.type === 'SourceVerified')).toBe(false);
    expect(requiresVerification({ ...verified, spec: repository.spec })).toBe(false);
  });
});
