import {
  alertSchema,
  NOTIFICATION_V1,
  NOTIFICATION_V1BETA3,
  parseFluxObject,
  providerSchema,
  Reason,
  receiverSchema,
  setCondition,
  type Alert,
  type Condition,
  type Provider,
  type Receiver,
} from '@ferry/contracts';
import { ObjectWatcher, type KubeClient, type KubeObject } from '@ferry/kube';
import type { Logger } from '@ferry/observability';
import type { NotificationObjects, ObjectLister, ObjectMetadata, ProviderState, ReceiverDirectory } from '../app/ports';
import { compileResourceFilter } from '../domain/receiver-verification';
import { compileAlert, type CompiledAlert } from '../domain/alert-matching';
import { SUPPORTED_RECEIVER_TYPES, webhookPath } from '../domain/receiver-verification';
import { createSender } from './providers/provider-factory';
import type { HttpTransport } from './providers/http-transport';
import { NodeHttpTransport, tlsMaterialFromSecret, type TlsMaterial } from './providers/node-http-transport';

/** Flux's default Provider timeout. */
const DEFAULT_TIMEOUT_MS = 15_000;
const FIELD_MANAGER = 'ferry-notifier';
/** How long an event waits for the first list of a kind that matchLabels needs, before it is handed back. */
const LABELS_LIST_WAIT_MS = 10_000;

/** Options of the notification objects cache. */
export interface KubeNotificationObjectsOptions {
  /** Re-reads secrets of every Provider and Receiver this often (secrets are not watched). */
  resyncMs: number;
  /** Builds the HTTP transport of a Provider; tests may substitute one. */
  transport?: (timeoutMs: number) => HttpTransport;
  parseDuration: (text: string) => number;
}

type Verdict = { ready: true; message: string } | { ready: false; reason: string; message: string };

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const namespaceOf = (object: KubeObject) => object.metadata.namespace ?? 'default';

/**
 * Providers, Alerts and Receivers from the API server (ObjectWatcher informers), each validated once per change
 * and given a Ready condition: an invalid address, a missing secret or a bad regex makes it Ready=False with
 * a message naming the field, logs it, and leaves the rest of the service running.
 */
export class KubeNotificationObjects implements NotificationObjects, ReceiverDirectory, ObjectLister {
  private readonly providers = new Map<string, ProviderState>();
  private readonly alertsByKey = new Map<string, CompiledAlert>();
  private readonly receiversByPath = new Map<string, { receiver: Receiver; token: string; key: string }>();
  private readonly watchers: ObjectWatcher<KubeObject>[] = [];
  private resync: NodeJS.Timeout | undefined;
  private synced = false;
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();
  /** One informer per kind whose labels an Alert's matchLabels needs, with its first list. */
  private readonly labelWatchers = new Map<string, { watcher: ObjectWatcher<KubeObject>; listed: Promise<void> }>();
  /** Generation last resolved per Provider/Receiver: our own status writes come back as watch events. */
  private readonly resolvedGeneration = new Map<string, number | undefined>();

  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
    private readonly options: KubeNotificationObjectsOptions,
  ) {}

  /**
   * Lists and watches the three kinds; resolves once the initial lists are processed (or when stopped first).
   * An unreachable API server is retried by the informers, reported through the log.
   */
  async start(): Promise<void> {
    const watcher = (apiVersion: string, kind: string, upsert: (object: KubeObject) => Promise<void>, remove: (object: KubeObject) => void) =>
      new ObjectWatcher<KubeObject>(this.client, apiVersion, kind, {
        onUpsert: (object) => this.track(upsert(object)),
        onDelete: remove,
        onError: (error) => this.logger.error(`watching ${kind} failed`, { error }),
      });
    // All three exist before any starts, so stop() reaches each of them whenever it comes.
    this.watchers.push(
      watcher(NOTIFICATION_V1BETA3, 'Provider', (o) => this.upsertProvider(o), (o) => {
        this.providers.delete(keyOf(namespaceOf(o), o.metadata.name));
        this.resolvedGeneration.delete(`Provider/${keyOf(namespaceOf(o), o.metadata.name)}`);
      }),
      watcher(NOTIFICATION_V1BETA3, 'Alert', (o) => this.upsertAlert(o), (o) => this.alertsByKey.delete(keyOf(namespaceOf(o), o.metadata.name))),
      watcher(NOTIFICATION_V1, 'Receiver', (o) => this.upsertReceiver(o), (o) => {
        this.removeReceiver(keyOf(namespaceOf(o), o.metadata.name));
        this.resolvedGeneration.delete(`Receiver/${keyOf(namespaceOf(o), o.metadata.name)}`);
      }),
    );
    for (const informer of this.watchers) {
      if (this.stopped) return;
      await informer.start();
    }
    await this.settled();
    if (this.stopped) return;
    this.synced = true;
    this.resync = setInterval(() => void this.resyncAll(), this.options.resyncMs);
    this.resync.unref();
  }

  isSynced(): boolean {
    return this.synced;
  }

  /** Stops the informers. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resync) clearInterval(this.resync);
    await Promise.all([...this.watchers, ...[...this.labelWatchers.values()].map((entry) => entry.watcher)].map((watcher) => watcher.stop()));
    await this.settled();
  }

  /** Waits for the status writes and secret reads in flight. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  alerts(): CompiledAlert[] {
    return [...this.alertsByKey.values()];
  }

  provider(namespace: string, name: string): ProviderState | undefined {
    return this.providers.get(keyOf(namespace, name));
  }

  byPath(path: string): { receiver: Receiver; token: string } | undefined {
    return this.receiversByPath.get(path);
  }

  async labelsOf(object: { apiVersion: string; kind: string; namespace: string; name: string }): Promise<Record<string, string>> {
    // Labels come from an informer of the object's kind, started the first time an event needs them: at
    // 1,000 events/s a GET per event would load the API server and add its latency to every notification.
    const kindKey = `${object.apiVersion}/${object.kind}`;
    let entry = this.labelWatchers.get(kindKey);
    if (!entry) {
      const watcher = new ObjectWatcher<KubeObject>(this.client, object.apiVersion, object.kind, {
        onUpsert: () => undefined,
        onDelete: () => undefined,
        onError: (error) => this.logger.error(`watching ${object.kind} for Alert matchLabels failed`, { error }),
      });
      entry = { watcher, listed: watcher.start() };
      this.labelWatchers.set(kindKey, entry);
    }
    let timer: NodeJS.Timeout | undefined;
    const listed = await Promise.race([
      entry.listed.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), LABELS_LIST_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    if (!listed) throw new Error(`cannot match labels of ${object.kind} ${object.namespace}/${object.name}: ${kindKey} objects are not listed yet`);
    return entry.watcher.get(object.namespace, object.name)?.metadata.labels ?? {};
  }

  async list(apiVersion: string, kind: string, namespace: string, matchLabels?: Record<string, string>): Promise<ObjectMetadata[]> {
    const labelSelector = matchLabels ? Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
    const { items } = await this.client.list(apiVersion, kind, { namespace, ...(labelSelector ? { labelSelector } : {}) });
    return items.map((item) => ({ apiVersion, kind, metadata: item.metadata }));
  }

  async get(apiVersion: string, kind: string, namespace: string, name: string): Promise<ObjectMetadata | undefined> {
    const object = await this.client.get({ apiVersion, kind, namespace, name });
    return object ? { apiVersion, kind, metadata: object.metadata } : undefined;
  }

  private track(task: Promise<void>): void {
    const guarded = task.catch((error: unknown) => this.logger.error('processing a notification object failed', { error }));
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
  }

  private async resyncAll(): Promise<void> {
    for (const watcher of this.watchers) {
      for (const object of watcher.list()) {
        if (object.kind === 'Provider') this.track(this.upsertProvider(object, true));
        if (object.kind === 'Receiver') this.track(this.upsertReceiver(object, true));
      }
    }
  }

  private async readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const secret = await this.client.get<KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace,
      name,
    });
    if (!secret) return undefined;
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    return { ...data, ...(secret.stringData ?? {}) };
  }

  /** Whether this watch event needs no work: same generation already resolved (a status write, a label change). */
  private alreadyResolved(object: KubeObject, force: boolean): boolean {
    const id = `${object.kind}/${keyOf(namespaceOf(object), object.metadata.name)}`;
    const generation = object.metadata.generation;
    if (!force && generation !== undefined && this.resolvedGeneration.get(id) === generation) return true;
    this.resolvedGeneration.set(id, generation);
    return false;
  }

  private async upsertProvider(object: KubeObject, force = false): Promise<void> {
    if (this.alreadyResolved(object, force)) return;
    const key = keyOf(namespaceOf(object), object.metadata.name);
    let provider: Provider;
    try {
      provider = parseFluxObject(providerSchema, object);
    } catch (error) {
      this.providers.delete(key);
      return this.report(object, { ready: false, reason: Reason.ValidationFailed, message: (error as Error).message });
    }
    const state = await this.resolveProvider(provider);
    this.providers.set(key, state);
    await this.report(object, state.ready ? { ready: true, message: 'Initialized' } : { ready: false, reason: Reason.InvalidConfig, message: state.message });
  }

  private async resolveProvider(provider: Provider): Promise<ProviderState> {
    const namespace = provider.metadata.namespace ?? 'default';
    let secret: Record<string, string> | undefined;
    if (provider.spec.secretRef) {
      secret = await this.readSecret(namespace, provider.spec.secretRef.name);
      if (!secret) return { ready: false, provider, message: `spec.secretRef: secret "${namespace}/${provider.spec.secretRef.name}" not found` };
    }
    // The secret's proxy wins over spec.proxy, as in Flux; either may carry credentials, so neither is echoed.
    const proxyText = secret?.['proxy'] ?? provider.spec.proxy;
    let proxy: URL | undefined;
    if (proxyText) {
      const field = secret?.['proxy'] !== undefined ? 'secret key "proxy"' : 'spec.proxy';
      try {
        proxy = new URL(proxyText);
      } catch {
        return { ready: false, provider, message: `${field} is not a valid URL` };
      }
      if (proxy.protocol !== 'http:') return { ready: false, provider, message: `${field} must be an http:// proxy, got scheme "${proxy.protocol}"` };
    }
    let tls: TlsMaterial | undefined;
    if (provider.spec.certSecretRef) {
      const certs = await this.readSecret(namespace, provider.spec.certSecretRef.name);
      if (!certs) return { ready: false, provider, message: `spec.certSecretRef: secret "${namespace}/${provider.spec.certSecretRef.name}" not found` };
      try {
        tls = tlsMaterialFromSecret(certs, `${namespace}/${provider.spec.certSecretRef.name}`);
      } catch (error) {
        return { ready: false, provider, message: (error as Error).message };
      }
    }
    try {
      const timeoutMs = provider.spec.timeout ? this.options.parseDuration(provider.spec.timeout) : DEFAULT_TIMEOUT_MS;
      const transport = this.options.transport?.(timeoutMs) ?? new NodeHttpTransport(tls ?? {}, timeoutMs, proxy);
      return { ready: true, provider, sender: createSender(provider, secret, transport) };
    } catch (error) {
      return { ready: false, provider, message: error instanceof Error ? error.message : String(error) };
    }
  }

  private async upsertAlert(object: KubeObject): Promise<void> {
    const key = keyOf(namespaceOf(object), object.metadata.name);
    let alert: Alert;
    try {
      alert = parseFluxObject(alertSchema, object);
      this.alertsByKey.set(key, compileAlert(alert));
    } catch (error) {
      this.alertsByKey.delete(key);
      return this.report(object, { ready: false, reason: Reason.ValidationFailed, message: (error as Error).message });
    }
    await this.report(object, { ready: true, message: 'Initialized' });
  }

  private removeReceiver(key: string): void {
    for (const [path, entry] of this.receiversByPath) if (entry.key === key) this.receiversByPath.delete(path);
  }

  private async upsertReceiver(object: KubeObject, force = false): Promise<void> {
    if (this.alreadyResolved(object, force)) return;
    const namespace = namespaceOf(object);
    const key = keyOf(namespace, object.metadata.name);
    let receiver: Receiver;
    try {
      receiver = parseFluxObject(receiverSchema, object);
    } catch (error) {
      this.removeReceiver(key);
      return this.report(object, { ready: false, reason: Reason.ValidationFailed, message: (error as Error).message });
    }
    if (!(SUPPORTED_RECEIVER_TYPES as readonly string[]).includes(receiver.spec.type)) {
      this.removeReceiver(key);
      return this.report(object, { ready: false, reason: Reason.ValidationFailed, message: `spec.type: receiver type "${receiver.spec.type}" is not supported by Ferry (supported: ${SUPPORTED_RECEIVER_TYPES.join(', ')})` });
    }
    if (receiver.spec.resourceFilter) {
      try {
        compileResourceFilter(receiver.spec.resourceFilter);
      } catch (error) {
        this.removeReceiver(key);
        return this.report(object, { ready: false, reason: Reason.ValidationFailed, message: `spec.resourceFilter: ${(error as Error).message}` });
      }
    }
    const secret = await this.readSecret(namespace, receiver.spec.secretRef.name);
    const token = secret?.['token'];
    if (!token) {
      this.removeReceiver(key);
      const message = secret
        ? `spec.secretRef: secret "${namespace}/${receiver.spec.secretRef.name}" has no "token" key`
        : `spec.secretRef: secret "${namespace}/${receiver.spec.secretRef.name}" not found`;
      return this.report(object, { ready: false, reason: Reason.TokenNotFound, message });
    }
    const path = webhookPath(token, receiver.metadata.name, namespace);
    this.removeReceiver(key);
    this.receiversByPath.set(path, { receiver, token, key });
    await this.report(object, { ready: true, message: `Receiver initialized for path: ${path}` }, { webhookPath: path });
  }

  /** Writes Ready (only when it changed, so our own status writes do not loop through the watch) and logs failures. */
  private async report(object: KubeObject, verdict: Verdict, extra: Record<string, unknown> = {}): Promise<void> {
    const ids = { kind: object.kind, name: object.metadata.name, namespace: namespaceOf(object) };
    const status = (object['status'] ?? {}) as { conditions?: Condition[]; observedGeneration?: number; webhookPath?: string };
    const update = verdict.ready
      ? { type: 'Ready', status: 'True' as const, reason: Reason.Succeeded, message: verdict.message }
      : { type: 'Ready', status: 'False' as const, reason: verdict.reason, message: verdict.message };
    const current = status.conditions?.find((c) => c.type === 'Ready');
    const generation = object.metadata.generation;
    const unchanged =
      current?.status === update.status &&
      current.reason === update.reason &&
      current.message === update.message &&
      status.observedGeneration === generation &&
      Object.entries(extra).every(([k, v]) => (status as Record<string, unknown>)[k] === v);
    if (!verdict.ready && !unchanged) this.logger.error(`${object.kind} is not ready: ${verdict.message}`, ids);
    if (unchanged) return;
    const conditions = setCondition(status.conditions, { ...update, ...(generation !== undefined ? { observedGeneration: generation } : {}) }, new Date());
    try {
      await this.client.mergePatch(
        object,
        { status: { conditions, ...(generation !== undefined ? { observedGeneration: generation } : {}), ...extra } },
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
    } catch (error) {
      this.logger.error(`cannot write ${object.kind} status`, { ...ids, error });
    }
  }
}
