import { createHash, randomBytes } from 'node:crypto';
import { ClusterApi } from '../app/cluster-api';
import { ApiError } from '../domain/errors';
import { clone, deepEqual, getPath, isObject, JsonObject } from '../domain/json';
import { k8sTime } from '../domain/managed-fields';
import { ResourceType } from '../domain/resource-registry';

/** Simulator settings. */
export interface SimulatorOptions {
  /** Time from a workload change to its pods being ready and its status written. */
  readyDelayMs: number;
  /** Annotation that makes a workload fail (its pods never become ready). */
  failAnnotation: string;
  /** Images containing this marker fail to "pull", like an image that does not exist. */
  failImageMarker: string;
}

/** Defaults: half a second to ready; `devcluster.ferry.dev/fail: "true"` or an image containing `fail`. */
export const DEFAULT_SIMULATOR_OPTIONS: SimulatorOptions = {
  readyDelayMs: 500,
  failAnnotation: 'devcluster.ferry.dev/fail',
  failImageMarker: 'fail',
};

const MANAGER = 'devcluster-controller';
const NODE = 'devcluster-node';
const meta = (o: JsonObject): JsonObject => o['metadata'] as JsonObject;
const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'];

/**
 * A kwok-like controller: Deployments get ReplicaSets, workloads get Pods, and every workload gets the status
 * a real controller would write, so readiness checks (`kubectl wait`, `rollout status`, kstatus) behave as on a
 * real cluster. Failing workloads keep unready pods and report `ProgressDeadlineExceeded` / `BackoffLimitExceeded`.
 */
export class WorkloadSimulator {
  private readonly opts: SimulatorOptions;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stops: (() => void)[] = [];
  private podIp = 2;
  private lbIp = 0;

  constructor(
    private readonly api: ClusterApi,
    opts: Partial<SimulatorOptions>,
  ) {
    this.opts = { ...DEFAULT_SIMULATOR_OPTIONS, ...opts };
  }

  private rt(group: string, plural: string): ResourceType {
    const rt = this.api.registry.lookup(group, group ? 'v1' : 'v1', plural);
    if (!rt) throw new Error(`built-in resource ${plural} missing`);
    return rt;
  }

  /** Subscribes to workload and pod changes. */
  start(): void {
    const kinds: [string, string][] = [
      ['apps', 'deployments'],
      ['apps', 'replicasets'],
      ['apps', 'statefulsets'],
      ['apps', 'daemonsets'],
      ['batch', 'jobs'],
    ];
    for (const [g, p] of kinds) {
      const rt = this.rt(g, p);
      this.stops.push(
        this.api.watch(rt, undefined, { resourceVersion: String(this.api.store.resourceVersion) }, (e) => {
          if (e.type !== 'DELETED') this.schedule(rt, e.object);
        }),
      );
    }
    for (const [g, p] of kinds) for (const o of this.api.list(this.rt(g, p), undefined).items) this.schedule(this.rt(g, p), o);
    for (const [g, p] of [['', 'services'], ['networking.k8s.io', 'ingresses']] as const) {
      const rt = this.rt(g, p);
      this.stops.push(this.api.watch(rt, undefined, {}, (e) => e.type !== 'DELETED' && this.schedule(rt, e.object)));
    }
    const pods = this.rt('', 'pods');
    this.stops.push(
      this.api.watch(pods, undefined, { resourceVersion: String(this.api.store.resourceVersion) }, (e) => {
        if (e.type !== 'DELETED') return;
        for (const ref of (meta(e.object)['ownerReferences'] as JsonObject[] | undefined) ?? []) {
          const owner = this.api.registry.all().find((r) => r.kind === ref['kind'] && WORKLOADS.includes(r.kind));
          if (!owner) continue;
          try {
            this.schedule(owner, this.api.get(owner, String(meta(e.object)['namespace']), String(ref['name'])));
          } catch {
            // The owner is gone too: nothing to heal.
          }
        }
      }),
    );
  }

  /** Stops watching and cancels pending reconciles. */
  stop(): void {
    for (const s of this.stops) s();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(rt: ResourceType, obj: JsonObject): void {
    const key = `${rt.kind}/${String(meta(obj)['namespace'])}/${String(meta(obj)['name'])}`;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    const t = setTimeout(() => {
      this.timers.delete(key);
      try {
        this.reconcile(rt, String(meta(obj)['namespace']), String(meta(obj)['name']));
      } catch (e) {
        // Races with deletion (404) and terminating namespaces (403) are normal; the next event retries.
        if (!(e instanceof ApiError)) throw e;
      }
    }, this.opts.readyDelayMs);
    t.unref();
    this.timers.set(key, t);
  }

  private reconcile(rt: ResourceType, ns: string, name: string): void {
    const obj = this.api.get(rt, ns, name);
    if (meta(obj)['deletionTimestamp']) return;
    switch (rt.kind) {
      case 'Deployment':
        return this.deployment(rt, obj);
      case 'ReplicaSet':
        this.replicaSet(rt, obj);
        return;
      case 'StatefulSet':
        return this.statefulSet(rt, obj);
      case 'DaemonSet':
        return this.daemonSet(rt, obj);
      case 'Job':
        return this.job(rt, obj);
      case 'Service':
      case 'Ingress':
        return this.loadBalancer(rt, obj);
    }
  }

  private failing(obj: JsonObject, template: unknown): boolean {
    const ann = meta(obj)['annotations'];
    if (isObject(ann) && ann[this.opts.failAnnotation] === 'true') return true;
    const cs = getPath(template, ['spec', 'containers']);
    return Array.isArray(cs) && cs.some((c) => String(getPath(c, ['image']) ?? '').includes(this.opts.failImageMarker));
  }

  private ownerRef(rt: ResourceType, obj: JsonObject): JsonObject {
    return {
      apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
      kind: rt.kind,
      name: String(meta(obj)['name']),
      uid: String(meta(obj)['uid']),
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  private ownedBy<T extends JsonObject>(items: T[], uid: unknown): T[] {
    return items.filter((o) => {
      const refs = meta(o)['ownerReferences'];
      return Array.isArray(refs) && refs.some((r) => isObject(r) && r['uid'] === uid);
    });
  }

  /** Writes `status` through the status subresource, keeping condition timestamps when nothing changed. */
  private writeStatus(rt: ResourceType, obj: JsonObject, status: JsonObject): void {
    const oldConds = getPath(obj, ['status', 'conditions']);
    const conds = status['conditions'];
    if (Array.isArray(conds)) {
      for (const c of conds.filter(isObject)) {
        const prev = Array.isArray(oldConds) ? oldConds.find((p) => isObject(p) && p['type'] === c['type']) : undefined;
        if (isObject(prev) && prev['status'] === c['status'] && prev['reason'] === c['reason']) {
          for (const k of ['lastTransitionTime', 'lastUpdateTime']) if (prev[k] !== undefined && c[k] !== undefined) c[k] = prev[k];
        }
      }
    }
    if (deepEqual(obj['status'], status)) return;
    this.api.update(rt, String(meta(obj)['namespace']), String(meta(obj)['name']), { ...obj, status }, { fieldManager: MANAGER, subresource: 'status' });
  }

  /** Records a core/v1 Event about an object, as the real controllers do for the transitions they make. */
  private event(rt: ResourceType, obj: JsonObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const now = k8sTime(new Date());
    const ns = String(meta(obj)['namespace'] ?? 'default');
    this.api.create(
      this.rt('', 'events'),
      ns,
      {
        metadata: { name: `${String(meta(obj)['name'])}.${randomBytes(8).toString('hex')}`, namespace: ns },
        involvedObject: {
          apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
          kind: rt.kind,
          namespace: ns,
          name: String(meta(obj)['name']),
          uid: String(meta(obj)['uid']),
          resourceVersion: String(meta(obj)['resourceVersion']),
        },
        reason,
        message,
        type,
        source: { component },
        reportingComponent: component,
        reportingInstance: '',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
      { fieldManager: MANAGER },
    );
  }

  private condition(type: string, ok: boolean, reason: string, message: string, withUpdate = false): JsonObject {
    const now = k8sTime(new Date());
    const c: JsonObject = { type, status: ok ? 'True' : 'False', reason, message, lastTransitionTime: now };
    if (withUpdate) c['lastUpdateTime'] = now;
    return c;
  }

  /** Ensures `count` pods from the template exist for the owner; returns them with how many are ready. */
  private ensurePods(
    ownerRt: ResourceType,
    owner: JsonObject,
    template: JsonObject,
    names: string[] | number,
    failing: boolean,
    phase: 'Running' | 'Succeeded' = 'Running',
  ): { pods: JsonObject[]; ready: number } {
    const podRt = this.rt('', 'pods');
    const ns = String(meta(owner)['namespace']);
    const existing = this.ownedBy(this.api.list(podRt, ns).items, meta(owner)['uid']);
    const wanted = typeof names === 'number' ? undefined : new Set(names);
    const count = typeof names === 'number' ? names : names.length;
    let keep = existing.filter((p) => !wanted || wanted.has(String(meta(p)['name'])));
    for (const extra of keep.slice(count)) this.api.delete(podRt, ns, String(meta(extra)['name']));
    for (const p of existing.filter((p) => !keep.includes(p))) this.api.delete(podRt, ns, String(meta(p)['name']));
    keep = keep.slice(0, count);
    const have = new Set(keep.map((p) => String(meta(p)['name'])));
    const toCreate = wanted ? [...wanted].filter((n) => !have.has(n)) : Array.from({ length: count - keep.length }, () => undefined);
    for (const n of toCreate) {
      const tm = isObject(template['metadata']) ? template['metadata'] : {};
      const pod: JsonObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...(n ? { name: n } : { generateName: `${String(meta(owner)['name'])}-` }),
          namespace: ns,
          labels: clone(tm['labels'] ?? {}),
          annotations: clone(tm['annotations'] ?? {}),
          ownerReferences: [this.ownerRef(ownerRt, owner)],
        },
        spec: { ...clone(template['spec'] as JsonObject), nodeName: NODE },
      };
      const created = this.api.create(podRt, ns, pod, { fieldManager: MANAGER });
      keep.push(created);
      const podName = String(meta(created)['name']);
      this.event(ownerRt, owner, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`, `${ownerRt.kind.toLowerCase()}-controller`);
      for (const c of (getPath(created, ['spec', 'containers']) as JsonObject[] | undefined) ?? []) {
        if (failing) {
          this.event(podRt, created, 'Warning', 'Failed', `Failed to pull image "${String(c['image'])}": image not found`, 'kubelet');
          this.event(podRt, created, 'Normal', 'BackOff', `Back-off pulling image "${String(c['image'])}"`, 'kubelet');
        } else this.event(podRt, created, 'Normal', 'Started', `Started container ${String(c['name'])}`, 'kubelet');
      }
    }
    let ready = 0;
    for (const p of keep) {
      const containers = (getPath(p, ['spec', 'containers']) as JsonObject[] | undefined) ?? [];
      const ok = !failing;
      const status: JsonObject = {
        phase: ok ? phase : 'Pending',
        hostIP: '10.0.0.1',
        podIP: String(getPath(p, ['status', 'podIP']) ?? `10.244.${Math.floor(this.podIp / 250) % 250}.${(this.podIp++ % 250) + 1}`),
        startTime: String(getPath(p, ['status', 'startTime']) ?? k8sTime(new Date())),
        conditions: [
          this.condition('PodScheduled', true, '', ''),
          this.condition('Initialized', true, '', ''),
          this.condition('ContainersReady', ok && phase === 'Running', ok ? '' : 'ContainersNotReady', ok ? '' : 'containers with unready status'),
          this.condition('Ready', ok && phase === 'Running', ok ? '' : 'ContainersNotReady', ok ? '' : 'containers with unready status'),
        ],
        containerStatuses: containers.map((c) => ({
          name: c['name'] ?? '',
          image: c['image'] ?? '',
          imageID: '',
          ready: ok && phase === 'Running',
          restartCount: 0,
          started: ok,
          state: (ok
            ? phase === 'Running'
              ? { running: { startedAt: k8sTime(new Date()) } }
              : { terminated: { exitCode: 0, reason: 'Completed' } }
            : { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c['image'])}"` } }) as JsonObject,
        })),
      };
      for (const c of status['conditions'] as JsonObject[]) {
        delete c['reason'];
        delete c['message'];
        if (c['status'] === 'False') {
          c['reason'] = 'ContainersNotReady';
        }
      }
      const prevStarted = getPath(p, ['status', 'containerStatuses']);
      if (Array.isArray(prevStarted)) {
        (status['containerStatuses'] as JsonObject[]).forEach((cs, i) => {
          const prevState = getPath(prevStarted[i], ['state']);
          if (isObject(prevState) && Object.keys(prevState)[0] === Object.keys(cs['state'] as JsonObject)[0]) cs['state'] = prevState;
        });
      }
      this.writeStatus(podRt, p, status);
      if (ok && phase === 'Running') ready++;
    }
    return { pods: keep, ready };
  }

  private deployment(rt: ResourceType, d: JsonObject): void {
    const spec = d['spec'] as JsonObject;
    const template = spec['template'] as JsonObject;
    const replicas = Number(spec['replicas'] ?? 1);
    const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
    const rsRt = this.rt('apps', 'replicasets');
    const ns = String(meta(d)['namespace']);
    const owned = this.ownedBy(this.api.list(rsRt, ns).items, meta(d)['uid']);
    const rsName = `${String(meta(d)['name'])}-${hash}`;
    const revision = String(
      Math.max(0, ...owned.map((r) => Number(getPath(r, ['metadata', 'annotations', 'deployment.kubernetes.io/revision']) ?? 0))) + 1,
    );
    let current = owned.find((r) => meta(r)['name'] === rsName);
    const labels = { ...(getPath(template, ['metadata', 'labels']) as JsonObject), 'pod-template-hash': hash };
    if (!current) {
      current = this.api.create(
        rsRt,
        ns,
        {
          metadata: {
            name: rsName,
            namespace: ns,
            labels,
            annotations: { 'deployment.kubernetes.io/revision': revision },
            ownerReferences: [this.ownerRef(rt, d)],
          },
          spec: {
            replicas,
            selector: { matchLabels: { ...(getPath(spec, ['selector', 'matchLabels']) as JsonObject), 'pod-template-hash': hash } },
            template: { ...template, metadata: { ...(template['metadata'] as JsonObject), labels } },
          },
        },
        { fieldManager: MANAGER },
      );
      this.event(rt, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} to ${replicas} from 0`, 'deployment-controller');
    } else if (getPath(current, ['spec', 'replicas']) !== replicas) {
      const from = Number(getPath(current, ['spec', 'replicas']) ?? 0);
      current = this.api.patch(rsRt, ns, rsName, 'merge', { spec: { replicas } }, { fieldManager: MANAGER });
      const dir = replicas > from ? 'up' : 'down';
      this.event(rt, d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rsName} to ${replicas} from ${from}`, 'deployment-controller');
    }
    for (const old of owned.filter((r) => meta(r)['name'] !== rsName && getPath(r, ['spec', 'replicas']) !== 0)) {
      const from = Number(getPath(old, ['spec', 'replicas']) ?? 0);
      this.event(rt, d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${String(meta(old)['name'])} to 0 from ${from}`, 'deployment-controller');
      this.api.patch(rsRt, ns, String(meta(old)['name']), 'merge', { spec: { replicas: 0 } }, { fieldManager: MANAGER });
      this.replicaSet(rsRt, this.api.get(rsRt, ns, String(meta(old)['name'])));
    }
    const failing = this.failing(d, template);
    const { ready } = this.replicaSet(rsRt, current, failing);
    const available = ready >= replicas;
    const progressing = failing
      ? this.condition('Progressing', false, 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, true)
      : this.condition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, true);
    const status: JsonObject = {
      observedGeneration: Number(meta(d)['generation']),
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        available
          ? this.condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', true)
          : this.condition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', true),
        progressing,
      ],
    };
    if (ready < replicas) status['unavailableReplicas'] = replicas - ready;
    if (!ready) delete status['readyReplicas'];
    if (!ready) delete status['availableReplicas'];
    this.writeStatus(rt, this.api.get(rt, ns, String(meta(d)['name'])), status);
  }

  private replicaSet(rt: ResourceType, rs: JsonObject, failing?: boolean): { ready: number } {
    const spec = rs['spec'] as JsonObject;
    const template = spec['template'] as JsonObject;
    const replicas = Number(spec['replicas'] ?? 1);
    const fail = failing ?? this.failing(rs, template);
    const { ready } = this.ensurePods(rt, rs, template, replicas, fail);
    const status: JsonObject = {
      observedGeneration: Number(meta(rs)['generation']),
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    if (!ready) {
      delete status['readyReplicas'];
      delete status['availableReplicas'];
    }
    this.writeStatus(rt, this.api.get(rt, String(meta(rs)['namespace']), String(meta(rs)['name'])), status);
    return { ready };
  }

  private statefulSet(rt: ResourceType, s: JsonObject): void {
    const spec = s['spec'] as JsonObject;
    const template = spec['template'] as JsonObject;
    const replicas = Number(spec['replicas'] ?? 1);
    const names = Array.from({ length: replicas }, (_, i) => `${String(meta(s)['name'])}-${i}`);
    const { ready } = this.ensurePods(rt, s, template, names, this.failing(s, template));
    const revision = `${String(meta(s)['name'])}-${createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10)}`;
    this.writeStatus(rt, s, {
      observedGeneration: Number(meta(s)['generation']),
      replicas,
      readyReplicas: ready,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private daemonSet(rt: ResourceType, ds: JsonObject): void {
    const template = getPath(ds, ['spec', 'template']) as JsonObject;
    const { ready } = this.ensurePods(rt, ds, template, 1, this.failing(ds, template));
    this.writeStatus(rt, ds, {
      observedGeneration: Number(meta(ds)['generation']),
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      updatedNumberScheduled: 1,
      numberReady: ready,
      numberAvailable: ready,
      numberMisscheduled: 0,
      ...(ready ? {} : { numberUnavailable: 1 }),
    });
  }

  /** LoadBalancer Services and Ingresses get an address, so kstatus and `kubectl wait` see them as ready. */
  private loadBalancer(rt: ResourceType, obj: JsonObject): void {
    if (rt.kind === 'Service' && getPath(obj, ['spec', 'type']) !== 'LoadBalancer') return;
    const current = getPath(obj, ['status', 'loadBalancer', 'ingress']);
    if (Array.isArray(current) && current.length) return;
    const ip = `172.18.255.${(this.lbIp++ % 250) + 1}`;
    this.writeStatus(rt, obj, { loadBalancer: { ingress: [rt.kind === 'Service' ? { ip, ipMode: 'VIP' } : { ip }] } });
  }

  private job(rt: ResourceType, job: JsonObject): void {
    const spec = job['spec'] as JsonObject;
    const template = spec['template'] as JsonObject;
    const completions = Number(spec['completions'] ?? 1);
    const failing = this.failing(job, template);
    this.ensurePods(rt, job, template, completions, failing, 'Succeeded');
    const start = String(getPath(job, ['status', 'startTime']) ?? k8sTime(new Date()));
    const status: JsonObject = failing
      ? {
          startTime: start,
          failed: 1,
          conditions: [this.condition('Failed', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')],
        }
      : {
          startTime: start,
          completionTime: String(getPath(job, ['status', 'completionTime']) ?? k8sTime(new Date())),
          succeeded: completions,
          conditions: [
            this.condition('SuccessCriteriaMet', true, 'CompletionsReached', 'Reached expected number of succeeded pods'),
            this.condition('Complete', true, 'CompletionsReached', 'Reached expected number of succeeded pods'),
          ],
        };
    if (!getPath(job, ['status', 'conditions'])) {
      if (failing) this.event(rt, job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
      else this.event(rt, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
    }
    this.writeStatus(rt, job, status);
  }
}
