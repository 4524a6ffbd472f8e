import type { KubeObject } from './object-ref';

/** kstatus' verdict on an object. */
export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'NotFound';

/** A verdict and why. */
export interface Health {
  status: HealthStatus;
  message: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const condition = (status: Status, type: string): Condition | undefined =>
  status.conditions?.find((c) => c.type === type);
const current = (message: string): Health => ({ status: 'Current', message });
const inProgress = (message: string): Health => ({ status: 'InProgress', message });
const failed = (message: string): Health => ({ status: 'Failed', message });

/**
 * Assesses an object's health the way kstatus (and so Flux's health checks) does: the controller must
 * have observed the latest generation, then each kind has its own readiness rules; other kinds follow
 * the generic Ready/Reconciling/Stalled conditions, and kinds without status are Current once they exist.
 */
export function assessHealth(object: KubeObject | undefined): Health {
  if (!object) return { status: 'NotFound', message: 'not found' };
  const status = (object['status'] ?? {}) as Status;
  const spec = (object['spec'] ?? {}) as Record<string, unknown>;
  const generation = object.metadata.generation;
  if (object.metadata['deletionTimestamp']) return inProgress('resource scheduled for deletion');
  const observed = status.observedGeneration;
  const needsObservedGeneration = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(object.kind);
  if (
    generation !== undefined &&
    (observed !== undefined ? observed < generation : needsObservedGeneration && object['status'] === undefined)
  ) {
    return inProgress(`${object.kind} generation is ${generation}, but latest observed generation is ${observed ?? 0}`);
  }
  switch (object.kind) {
    case 'Deployment':
      return deploymentHealth(spec, status);
    case 'StatefulSet':
      return statefulSetHealth(spec, status);
    case 'DaemonSet':
      return daemonSetHealth(status);
    case 'ReplicaSet':
      return replicaSetHealth(spec, status);
    case 'Job':
      return jobHealth(status);
    case 'Pod':
      return podHealth(status);
    case 'PersistentVolumeClaim':
      return status['phase'] === 'Bound' ? current('PVC is Bound') : inProgress('PVC is not Bound');
    case 'Namespace':
      return status['phase'] === 'Terminating' ? inProgress('Namespace is terminating') : current('Resource is current');
    case 'CustomResourceDefinition':
      return crdHealth(status);
    default:
      return genericHealth(status);
  }
}

function deploymentHealth(spec: Record<string, unknown>, status: Status): Health {
  const wanted = spec['replicas'] === undefined ? 1 : num(spec['replicas']);
  const progressing = condition(status, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return failed(`Progress deadline exceeded: ${progressing.message ?? ''}`.trim());
  }
  const replicas = num(status['replicas']);
  const updated = num(status['updatedReplicas']);
  const ready = num(status['readyReplicas']);
  const available = num(status['availableReplicas']);
  if (wanted > replicas) return inProgress(`replicas: ${replicas}/${wanted}`);
  if (wanted > updated) return inProgress(`Updated: ${updated}/${wanted}`);
  if (replicas > updated) return inProgress(`Pending termination: ${replicas - updated}`);
  if (wanted > available) return inProgress(`Available: ${available}/${wanted}`);
  if (wanted > ready) return inProgress(`Ready: ${ready}/${wanted}`);
  if (condition(status, 'Available')?.status === 'False') return inProgress('Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function statefulSetHealth(spec: Record<string, unknown>, status: Status): Health {
  const wanted = spec['replicas'] === undefined ? 1 : num(spec['replicas']);
  const ready = num(status['readyReplicas']);
  const currentReplicas = num(status['currentReplicas']);
  const partition = num(((spec['updateStrategy'] as Record<string, unknown> | undefined)?.['rollingUpdate'] as Record<string, unknown> | undefined)?.['partition']);
  if (wanted > num(status['replicas'])) return inProgress(`Replicas: ${num(status['replicas'])}/${wanted}`);
  if (wanted > ready) return inProgress(`Ready: ${ready}/${wanted}`);
  if (partition > 0) {
    const updated = num(status['updatedReplicas']);
    if (updated < wanted - partition) return inProgress(`updated: ${updated}/${wanted - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (status['updateRevision'] && status['currentRevision'] !== status['updateRevision']) {
    return inProgress(`Waiting for updated revision ${String(status['updateRevision'])}`);
  }
  if (wanted > currentReplicas) return inProgress(`current: ${currentReplicas}/${wanted}`);
  return current(`All replicas scheduled as expected. Replicas: ${ready}`);
}

function daemonSetHealth(status: Status): Health {
  const desired = num(status['desiredNumberScheduled']);
  if (status['desiredNumberScheduled'] === undefined) return inProgress('Missing .status.desiredNumberScheduled');
  if (desired > num(status['currentNumberScheduled'])) return inProgress(`Current: ${num(status['currentNumberScheduled'])}/${desired}`);
  if (desired > num(status['updatedNumberScheduled'])) return inProgress(`Updated: ${num(status['updatedNumberScheduled'])}/${desired}`);
  if (desired > num(status['numberAvailable'])) return inProgress(`Available: ${num(status['numberAvailable'])}/${desired}`);
  if (desired > num(status['numberReady'])) return inProgress(`Ready: ${num(status['numberReady'])}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function replicaSetHealth(spec: Record<string, unknown>, status: Status): Health {
  const wanted = spec['replicas'] === undefined ? 1 : num(spec['replicas']);
  if (wanted > num(status['availableReplicas'])) return inProgress(`Available: ${num(status['availableReplicas'])}/${wanted}`);
  if (wanted > num(status['readyReplicas'])) return inProgress(`Ready: ${num(status['readyReplicas'])}/${wanted}`);
  return current(`ReplicaSet is available. Replicas: ${wanted}`);
}

function jobHealth(status: Status): Health {
  if (condition(status, 'Failed')?.status === 'True') return failed(`Job Failed. failed: ${num(status['failed'])}`);
  if (condition(status, 'Complete')?.status === 'True') return current('Job Completed. succeeded: ' + num(status['succeeded']));
  return inProgress(`Job in progress. success: ${num(status['succeeded'])}, active: ${num(status['active'])}, failed: ${num(status['failed'])}`);
}

function podHealth(status: Status): Health {
  const phase = status['phase'];
  if (phase === 'Succeeded') return current('Pod has completed successfully');
  if (phase === 'Failed') return failed('Pod has completed, but not successfully');
  const waiting = ((status['containerStatuses'] as Array<Record<string, unknown>> | undefined) ?? [])
    .map((c) => (c['state'] as Record<string, { reason?: string }> | undefined)?.['waiting']?.reason)
    .find((reason) => reason === 'CrashLoopBackOff' || reason === 'ImagePullBackOff' || reason === 'ErrImagePull');
  if (waiting) return failed(`Pod could not start: ${waiting}`);
  if (phase === 'Running' && condition(status, 'Ready')?.status === 'True') return current('Pod is Ready');
  return inProgress(`Pod phase is ${String(phase ?? 'Pending')}`);
}

function crdHealth(status: Status): Health {
  if (condition(status, 'NamesAccepted')?.status === 'False') {
    return failed(`CRD names not accepted: ${condition(status, 'NamesAccepted')?.message ?? ''}`.trim());
  }
  return condition(status, 'Established')?.status === 'True'
    ? current('CRD is established')
    : inProgress('CRD is not established yet');
}

function genericHealth(status: Status): Health {
  const stalled = condition(status, 'Stalled');
  if (stalled?.status === 'True') return failed(stalled.message ?? stalled.reason ?? 'Stalled');
  const reconciling = condition(status, 'Reconciling');
  if (reconciling?.status === 'True') return inProgress(reconciling.message ?? 'Reconciling');
  const ready = condition(status, 'Ready');
  if (ready && ready.status !== 'True') return inProgress(ready.message ?? `Ready condition is ${ready.status}`);
  return current(ready ? (ready.message ?? 'Resource is Ready') : 'Resource is current');
}
