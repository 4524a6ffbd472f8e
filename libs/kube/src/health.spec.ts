import { assessHealth } from './health';

const deployment = (status: Record<string, unknown> | undefined, generation = 2, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', generation },
  spec: { replicas },
  ...(status ? { status } : {}),
});

describe('assessHealth (kstatus rules)', () => {
  it('is NotFound without an object', () => {
    expect(assessHealth(undefined).status).toBe('NotFound');
  });

  it('waits for the controller to observe the latest generation', () => {
    expect(assessHealth(deployment(undefined))).toEqual({
      status: 'InProgress',
      message: 'Deployment generation is 2, but latest observed generation is 0',
    });
    expect(assessHealth(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })).status).toBe(
      'InProgress',
    );
  });

  it('follows a Deployment rollout to Current', () => {
    const base = { observedGeneration: 2 };
    expect(assessHealth(deployment({ ...base, replicas: 1 })).message).toBe('replicas: 1/2');
    expect(assessHealth(deployment({ ...base, replicas: 2, updatedReplicas: 1 })).message).toBe('Updated: 1/2');
    expect(assessHealth(deployment({ ...base, replicas: 3, updatedReplicas: 2 })).message).toBe('Pending termination: 1');
    expect(assessHealth(deployment({ ...base, replicas: 2, updatedReplicas: 2, availableReplicas: 1 })).message).toBe('Available: 1/2');
    expect(
      assessHealth(deployment({ ...base, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 })),
    ).toEqual({ status: 'Current', message: 'Deployment is available. Replicas: 2' });
  });

  it('fails a Deployment whose progress deadline passed', () => {
    const status = {
      observedGeneration: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
    };
    expect(assessHealth(deployment(status))).toEqual({
      status: 'Failed',
      message: 'Progress deadline exceeded: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('judges Jobs by their Complete and Failed conditions', () => {
    const job = (conditions: unknown[]) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'apps', generation: 1 },
      status: { conditions, succeeded: 1 },
    });
    expect(assessHealth(job([])).status).toBe('InProgress');
    expect(assessHealth(job([{ type: 'Complete', status: 'True' }])).status).toBe('Current');
    expect(assessHealth(job([{ type: 'Failed', status: 'True' }])).status).toBe('Failed');
  });

  it('reads custom resources through Ready, Reconciling and Stalled', () => {
    const cr = (conditions: unknown[], observedGeneration = 1) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', generation: 1 },
      status: { observedGeneration, conditions },
    });
    expect(assessHealth(cr([{ type: 'Ready', status: 'True', message: 'Applied revision: main@sha1:abc' }]))).toEqual({
      status: 'Current',
      message: 'Applied revision: main@sha1:abc',
    });
    expect(assessHealth(cr([{ type: 'Ready', status: 'False', message: 'dependency not ready' }])).status).toBe('InProgress');
    expect(assessHealth(cr([{ type: 'Stalled', status: 'True', message: 'invalid spec' }]))).toEqual({ status: 'Failed', message: 'invalid spec' });
    expect(assessHealth(cr([{ type: 'Ready', status: 'True' }], 0)).status).toBe('InProgress');
  });

  it('treats kinds without status as Current once they exist', () => {
    expect(assessHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' } }).status).toBe('Current');
  });

  it('knows CRDs are ready when established', () => {
    const crd = (conditions: unknown[]) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', generation: 1 },
      status: { conditions },
    });
    expect(assessHealth(crd([])).status).toBe('InProgress');
    expect(assessHealth(crd([{ type: 'Established', status: 'True' }])).status).toBe('Current');
  });
});
