import { randomUUID } from 'node:crypto';
import { applyDefaults, defaultMergeKeys, validate, validateUpdate } from '../domain/defaults';
import { alreadyExists, ApiError, badRequest, invalid, notFound, staleConflict } from '../domain/errors';
import { applyJsonPatch, applyMergePatch } from '../domain/json-patch';
import { clone, deepEqual, isObject, JsonObject } from '../domain/json';
import { ListTypeOf, listTypesFor } from '../domain/list-types';
import { pruneAndValidate, schemaListTypes } from '../domain/crd-schema';
import { k8sTime, serverSideApply, trackUpdate } from '../domain/managed-fields';
import { ObjectStore, WatchEvent } from '../domain/object-store';
import { apiVersionOf, groupResource, hasScale, ResourceRegistry, ResourceType, storageKey } from '../domain/resource-registry';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../domain/selectors';
import { strategicMerge } from '../domain/strategic-merge';

/** Options shared by every write, from the query string (`dryRun=All`, `fieldManager`, `force`). */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
  subresource?: string;
  /** `Strict` rejects fields a custom resource's schema does not declare; otherwise they are pruned. */
  fieldValidation?: string;
}

/** Options of list and watch. */
export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continueToken?: string | null;
  resourceVersion?: string | null;
}

/** The patch content types the server accepts. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Result of a list: items plus list metadata. */
export interface ListResult {
  items: JsonObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

const meta = (o: JsonObject): JsonObject => o['metadata'] as JsonObject;

/** True when two objects differ only in server-maintained bookkeeping (so a write is a no-op). */
function sameContent(a: JsonObject, b: JsonObject): boolean {
  const norm = (o: JsonObject): JsonObject => {
    const m = { ...meta(o) };
    delete m['resourceVersion'];
    if (Array.isArray(m['managedFields'])) {
      m['managedFields'] = m['managedFields'].map((e) => (isObject(e) ? { ...e, time: '' } : e));
    }
    return { ...o, metadata: m };
  };
  return deepEqual(norm(a), norm(b));
}

function specPart(o: JsonObject | undefined): JsonObject {
  const { metadata: _m, status: _s, ...rest } = o ?? {};
  return rest as JsonObject;
}

/**
 * The API semantics of the dev cluster, independent of HTTP: CRUD, patch (JSON, merge, strategic,
 * server-side apply), watch, optimistic concurrency, generation, managedFields, finalizers, cascading and
 * namespace deletion, CRDs becoming served resources. The HTTP layer decodes a request and calls one method.
 */
export class ClusterApi {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private gone(rt: ResourceType, name: string): ApiError {
    return notFound(groupResource(rt), name, rt.group, rt.plural);
  }

  /** Merge keys of a resource: the built-in table, or the CRD schema's list extensions. */
  private listTypes(rt: ResourceType): ListTypeOf {
    return rt.builtIn ? listTypesFor(true, rt.kind) : schemaListTypes(rt.schema, rt.kind);
  }

  /** CRD structural schema: defaults, pruning (or 400 under Strict field validation), 422 on violations. */
  private applySchema(rt: ResourceType, obj: JsonObject, opts: WriteOptions): void {
    if (rt.builtIn || !rt.schema) return;
    const { causes, unknown } = pruneAndValidate(obj, rt.schema);
    const name = String(meta(obj)['name'] ?? '');
    if (unknown.length && opts.fieldValidation === 'Strict') {
      throw badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
      );
    }
    if (causes.length) throw invalid(rt.kind, rt.group, name, causes);
  }

  /** Reads one object; 404 when absent. */
  get(rt: ResourceType, ns: string, name: string): JsonObject {
    const o = this.store.get(storageKey(rt), rt.namespaced ? ns : '', name);
    if (!o) throw this.gone(rt, name);
    return this.asVersion(rt, o);
  }

  /** Serves a stored object at the requested version (CRD versions share storage, no conversion). */
  private asVersion(rt: ResourceType, o: JsonObject): JsonObject {
    const av = apiVersionOf(rt);
    return o['apiVersion'] === av ? o : { ...o, apiVersion: av };
  }

  /** Lists with label/field selectors and limit/continue paging. */
  list(rt: ResourceType, ns: string | undefined, opts: ListOptions = {}): ListResult {
    const ls = parseLabelSelector(opts.labelSelector);
    const fs = parseFieldSelector(opts.fieldSelector);
    let items = this.store
      .list(storageKey(rt), rt.namespaced ? ns : undefined)
      .filter((o) => matchesLabels(ls, meta(o)['labels'] as JsonObject | undefined) && matchesFields(fs, o));
    let rv = String(this.store.resourceVersion);
    if (opts.continueToken) {
      let tok: { rv: string; start: string };
      try {
        tok = JSON.parse(Buffer.from(opts.continueToken, 'base64').toString('utf8')) as { rv: string; start: string };
      } catch {
        throw badRequest('invalid continue token');
      }
      items = items.filter((o) => `${String(meta(o)['namespace'] ?? '')}/${String(meta(o)['name'])}` >= tok.start);
      rv = tok.rv;
    }
    const result: ListResult = { items, resourceVersion: rv };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const next = items[opts.limit] as JsonObject;
      result.items = items.slice(0, opts.limit);
      result.remainingItemCount = items.length - opts.limit;
      const start = `${String(meta(next)['namespace'] ?? '')}/${String(meta(next)['name'])}`;
      result.continueToken = Buffer.from(JSON.stringify({ rv, start })).toString('base64');
    }
    result.items = result.items.map((o) => this.asVersion(rt, o));
    return result;
  }

  /** Watches with the same selectors; `resourceVersion` "0" or absent starts with the current state. */
  watch(rt: ResourceType, ns: string | undefined, opts: ListOptions, send: (e: WatchEvent) => void): () => void {
    const ls = parseLabelSelector(opts.labelSelector);
    const fs = parseFieldSelector(opts.fieldSelector);
    const match = (o: JsonObject): boolean =>
      matchesLabels(ls, meta(o)['labels'] as JsonObject | undefined) && matchesFields(fs, o);
    const rvParam = opts.resourceVersion;
    const from = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
    if (from !== undefined && Number.isNaN(from)) throw badRequest(`invalid resource version: ${String(rvParam)}`);
    return this.store.watch(storageKey(rt), rt.namespaced ? ns : undefined, from, (e) => {
      if (match(e.object)) send({ type: e.type, object: this.asVersion(rt, e.object) });
    });
  }

  private requireNamespace(rt: ResourceType, ns: string, creating: boolean): void {
    if (!rt.namespaced) return;
    if (!ns) throw badRequest('the namespace of the object does not match the namespace on the request');
    const nsObj = this.store.get('/namespaces', '', ns);
    if (!nsObj) throw notFound('namespaces', ns, '', 'namespaces');
    if (creating && meta(nsObj)['deletionTimestamp']) {
      throw new ApiError(
        403,
        'Forbidden',
        `${rt.plural} is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  private checkIdentity(rt: ResourceType, ns: string, body: JsonObject, name?: string): JsonObject {
    if (!isObject(body)) throw badRequest('the body of the request was in an unknown format');
    const m = isObject(body['metadata']) ? body['metadata'] : {};
    body['metadata'] = m;
    if (body['kind'] !== undefined && body['kind'] !== rt.kind) {
      throw badRequest(`the kind of the object (${String(body['kind'])}) does not match the kind of the request (${rt.kind})`);
    }
    body['apiVersion'] = apiVersionOf(rt);
    body['kind'] = rt.kind;
    if (rt.namespaced) {
      if (m['namespace'] !== undefined && m['namespace'] !== '' && m['namespace'] !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m['namespace'] = ns;
    } else delete m['namespace'];
    if (name !== undefined) {
      if (m['name'] !== undefined && m['name'] !== name) {
        throw badRequest('the name of the object does not match the name on the URL');
      }
      m['name'] = name;
    }
    return body;
  }

  /** Creates an object (`generateName` honoured); 409 AlreadyExists when the name is taken. */
  create(rt: ResourceType, ns: string, body: JsonObject, opts: WriteOptions = {}): JsonObject {
    const obj = this.checkIdentity(rt, ns, clone(body));
    const m = meta(obj);
    if (!m['name'] && typeof m['generateName'] === 'string') {
      m['name'] = m['generateName'] + Math.random().toString(36).slice(2, 7);
    }
    this.requireNamespace(rt, ns, true);
    const name = String(m['name'] ?? '');
    if (name && this.store.get(storageKey(rt), rt.namespaced ? ns : '', name)) {
      throw alreadyExists(groupResource(rt), name, rt.group, rt.plural);
    }
    if (rt.statusSubresource && rt.kind !== 'Namespace') delete obj['status'];
    return this.commit(rt, undefined, obj, opts, 'Update');
  }

  /** Replaces an object; a stale `metadata.resourceVersion` is a 409 Conflict. */
  update(rt: ResourceType, ns: string, name: string, body: JsonObject, opts: WriteOptions = {}): JsonObject {
    const obj = this.checkIdentity(rt, ns, clone(body), name);
    const old = this.store.get(storageKey(rt), rt.namespaced ? ns : '', name);
    if (!old) throw this.gone(rt, name);
    const rv = meta(obj)['resourceVersion'];
    if (rv !== undefined && rv !== '' && rv !== meta(old)['resourceVersion']) {
      throw staleConflict(groupResource(rt), name, rt.group, rt.plural);
    }
    return this.commit(rt, old, this.scoped(rt, old, obj, opts.subresource), opts, 'Update');
  }

  /** Applies a patch of the given type; server-side apply creates the object when absent. */
  patch(rt: ResourceType, ns: string, name: string, type: PatchType, body: unknown, opts: WriteOptions = {}): JsonObject {
    const old = this.store.get(storageKey(rt), rt.namespaced ? ns : '', name);
    if (type === 'apply') return this.apply(rt, ns, name, old, body, opts);
    if (!old) throw this.gone(rt, name);
    let next: JsonObject;
    const current = this.asVersion(rt, old);
    switch (type) {
      case 'json':
        next = applyJsonPatch(current, body);
        break;
      case 'merge':
        next = applyMergePatch(current, body as JsonObject) as JsonObject;
        break;
      case 'strategic':
        if (!rt.builtIn) {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
          );
        }
        next = strategicMerge(current, body as JsonObject, [], this.listTypes(rt)) as JsonObject;
        break;
    }
    if (!isObject(next)) throw badRequest('patch result is not an object');
    const rv = isObject(next['metadata']) ? next['metadata']['resourceVersion'] : undefined;
    if (rv !== undefined && rv !== meta(old)['resourceVersion']) {
      throw staleConflict(groupResource(rt), name, rt.group, rt.plural);
    }
    next = this.checkIdentity(rt, ns, next, name);
    return this.commit(rt, old, this.scoped(rt, old, next, opts.subresource), opts, 'Update');
  }

  private apply(
    rt: ResourceType,
    ns: string,
    name: string,
    old: JsonObject | undefined,
    body: unknown,
    opts: WriteOptions,
  ): JsonObject {
    if (!opts.fieldManager) {
      throw badRequest('PATCH requests with apply content type require fieldManager');
    }
    if (!isObject(body)) throw badRequest('the body of the apply request is not an object');
    const applied = this.checkIdentity(rt, ns, clone(body), name);
    const am = meta(applied);
    for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete am[k];
    if (rt.statusSubresource && opts.subresource !== 'status') delete applied['status'];
    if (!old) this.requireNamespace(rt, ns, true);
    defaultMergeKeys(rt, applied);
    const merged = serverSideApply({
      live: old ? this.asVersion(rt, old) : undefined,
      applied,
      manager: opts.fieldManager,
      force: !!opts.force,
      apiVersion: apiVersionOf(rt),
      types: this.listTypes(rt),
      now: this.now(),
    });
    return this.commit(rt, old, old ? this.scoped(rt, old, merged, opts.subresource) : merged, opts, null);
  }

  /** Status-subresource scoping: main writes keep the old status, `/status` writes change only status. */
  private scoped(rt: ResourceType, old: JsonObject, next: JsonObject, subresource?: string): JsonObject {
    if (!rt.statusSubresource) return next;
    if (subresource === 'status') {
      const out = clone(old);
      if (next['status'] === undefined) delete out['status'];
      else out['status'] = next['status'];
      meta(out)['managedFields'] = meta(next)['managedFields'] ?? meta(old)['managedFields'] ?? null;
      if (meta(out)['managedFields'] === null) delete meta(out)['managedFields'];
      return out;
    }
    const out = { ...next };
    if (old['status'] === undefined) delete out['status'];
    else out['status'] = old['status'];
    return out;
  }

  /**
   * The single write path: server-owned metadata, defaults, validation, generation, managedFields (`track`
   * is the operation to record, null when server-side apply already did), no-op detection, then store.
   */
  private commit(
    rt: ResourceType,
    old: JsonObject | undefined,
    next: JsonObject,
    opts: WriteOptions,
    track: 'Update' | null,
  ): JsonObject {
    const m = meta(next);
    const now = this.now();
    if (old) {
      const om = meta(old);
      for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
        if (om[k] === undefined) delete m[k];
        else m[k] = om[k] as string;
      }
      m['resourceVersion'] = om['resourceVersion'] as string;
      if (!deepEqual(specPart(old), specPart(next))) m['generation'] = Number(om['generation'] ?? 1) + 1;
    } else {
      m['uid'] = randomUUID();
      m['creationTimestamp'] = k8sTime(now);
      m['generation'] = 1;
      delete m['resourceVersion'];
      delete m['deletionTimestamp'];
    }
    applyDefaults(rt, next);
    this.applySchema(rt, next, opts);
    validate(rt, next);
    if (old && !opts.subresource) validateUpdate(rt, old, next);
    if (track) {
      trackUpdate(
        old,
        next,
        opts.fieldManager ?? 'unknown',
        apiVersionOf(rt),
        this.listTypes(rt),
        now,
        opts.subresource,
      );
    }
    if (rt.kind === 'CustomResourceDefinition' && rt.builtIn) this.acceptCrd(next);
    if (old && sameContent(old, next)) return this.asVersion(rt, old);
    if (opts.dryRun) return next;
    if (old && m['deletionTimestamp'] && !(Array.isArray(m['finalizers']) && m['finalizers'].length)) {
      this.store.put(storageKey(rt), next, 'MODIFIED');
      this.finalize(rt, next);
      return next;
    }
    const stored = this.store.put(storageKey(rt), next, old ? 'MODIFIED' : 'ADDED');
    if (rt.kind === 'CustomResourceDefinition' && rt.builtIn) this.registry.registerCrd(stored);
    return stored;
  }

  private acceptCrd(crd: JsonObject): void {
    const spec = crd['spec'] as JsonObject;
    const conds = [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ].map((c) => ({ ...c, lastTransitionTime: String(meta(crd)['creationTimestamp']) }));
    const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObject) : [];
    crd['status'] = {
      acceptedNames: spec['names'] ?? {},
      conditions: conds,
      storedVersions: versions.filter((v) => v['storage'] !== false).map((v) => v['name'] ?? '').slice(0, 1),
    };
  }

  /** The autoscaling/v1 `Scale` view of a Deployment, ReplicaSet or StatefulSet. */
  getScale(rt: ResourceType, ns: string, name: string): JsonObject {
    if (!hasScale(rt)) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const o = this.get(rt, ns, name);
    const m = meta(o);
    const ml = isObject(o['spec']) && isObject(o['spec']['selector']) ? o['spec']['selector']['matchLabels'] : undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: m['name'] ?? '', namespace: m['namespace'] ?? '', uid: m['uid'] ?? '', resourceVersion: m['resourceVersion'] ?? '', creationTimestamp: m['creationTimestamp'] ?? '' },
      spec: { replicas: isObject(o['spec']) ? (o['spec']['replicas'] ?? 1) : 1 },
      status: {
        replicas: isObject(o['status']) ? (o['status']['replicas'] ?? 0) : 0,
        selector: isObject(ml) ? Object.entries(ml).map(([k, v]) => `${k}=${String(v)}`).join(',') : '',
      },
    };
  }

  /** Writes `/scale`: a patch or replacement of the Scale object, of which only `spec.replicas` is kept. */
  updateScale(rt: ResourceType, ns: string, name: string, type: PatchType | 'put', body: unknown, opts: WriteOptions = {}): JsonObject {
    const scale = this.getScale(rt, ns, name);
    let next: JsonObject;
    if (type === 'put') next = body as JsonObject;
    else if (type === 'json') next = applyJsonPatch(scale, body);
    else next = applyMergePatch(scale, body as JsonObject) as JsonObject;
    const replicas = isObject(next) && isObject(next['spec']) ? next['spec']['replicas'] : undefined;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0`);
    }
    const rv = isObject(next['metadata']) ? next['metadata']['resourceVersion'] : undefined;
    this.patch(rt, ns, name, 'merge', { metadata: rv ? { resourceVersion: rv } : {}, spec: { replicas } }, { ...opts, subresource: undefined });
    return this.getScale(rt, ns, name);
  }

  /** Deletes with finalizers (deletionTimestamp first), cascading to dependents unless `Orphan`. */
  delete(
    rt: ResourceType,
    ns: string,
    name: string,
    opts: { dryRun?: boolean; propagationPolicy?: string; preconditionRv?: string } = {},
  ): JsonObject {
    const key = storageKey(rt);
    const nsKey = rt.namespaced ? ns : '';
    const old = this.store.get(key, nsKey, name);
    if (!old) throw this.gone(rt, name);
    if (opts.preconditionRv && opts.preconditionRv !== meta(old)['resourceVersion']) {
      throw staleConflict(groupResource(rt), name, rt.group, rt.plural);
    }
    if (opts.dryRun) return this.asVersion(rt, old);
    const finalizers = meta(old)['finalizers'];
    const isNamespace = rt.kind === 'Namespace' && rt.builtIn;
    if ((Array.isArray(finalizers) && finalizers.length) || isNamespace) {
      if (meta(old)['deletionTimestamp']) return this.asVersion(rt, old);
      const next = clone(old);
      meta(next)['deletionTimestamp'] = k8sTime(this.now());
      meta(next)['deletionGracePeriodSeconds'] = 0;
      if (isNamespace) next['status'] = { phase: 'Terminating' };
      const stored = this.store.put(key, next, 'MODIFIED');
      if (isNamespace) setImmediate(() => this.drainNamespace(name));
      return this.asVersion(rt, stored);
    }
    // Foreground: dependents go before the owner, so watchers never see orphans.
    if (opts.propagationPolicy === 'Foreground') this.collectDependents(String(meta(old)['uid']));
    const gone = this.store.remove(key, nsKey, name) as JsonObject;
    this.afterRemoval(rt, gone, opts.propagationPolicy);
    return this.asVersion(rt, gone);
  }

  /** Deletes every object matching the selectors in a namespace (`deletecollection`). */
  deleteCollection(rt: ResourceType, ns: string | undefined, opts: ListOptions & { dryRun?: boolean }): JsonObject[] {
    const { items } = this.list(rt, ns, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    return items.map((o) =>
      this.delete(rt, String(meta(o)['namespace'] ?? ''), String(meta(o)['name']), { dryRun: opts.dryRun }),
    );
  }

  private finalize(rt: ResourceType, obj: JsonObject): void {
    const gone = this.store.remove(storageKey(rt), String(meta(obj)['namespace'] ?? ''), String(meta(obj)['name']));
    if (gone) this.afterRemoval(rt, gone, undefined);
  }

  private afterRemoval(rt: ResourceType, gone: JsonObject, propagation: string | undefined): void {
    if (rt.kind === 'CustomResourceDefinition' && rt.builtIn) {
      const served = this.registry.unregisterCrd(String(meta(gone)['name']));
      const first = served[0];
      if (first) this.store.dropStorage(storageKey(first));
    }
    this.collectDependents(String(meta(gone)['uid']), propagation === 'Orphan');
  }

  /**
   * The garbage collector: deletes objects whose ownerReferences point at a deleted uid, or with `orphan`
   * removes those references instead (what `propagationPolicy=Orphan` does).
   */
  private collectDependents(uid: string, orphan = false): void {
    const seen = new Set<string>();
    for (const rt of this.registry.all()) {
      if (seen.has(storageKey(rt))) continue;
      seen.add(storageKey(rt));
      for (const o of this.store.list(storageKey(rt))) {
        const refs = meta(o)['ownerReferences'];
        if (!Array.isArray(refs) || !refs.some((r) => isObject(r) && r['uid'] === uid)) continue;
        try {
          if (orphan) {
            const kept = refs.filter((r) => !(isObject(r) && r['uid'] === uid));
            this.patch(rt, String(meta(o)['namespace'] ?? ''), String(meta(o)['name']), 'merge', {
              metadata: { ownerReferences: kept.length ? kept : null },
            }, { fieldManager: 'garbage-collector' });
          } else this.delete(rt, String(meta(o)['namespace'] ?? ''), String(meta(o)['name']));
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
  }

  /** Namespace finalization: deletes the contents, retries while finalizers hold some, then removes it. */
  private drainNamespace(ns: string): void {
    const namespaced = this.registry.all().filter((r) => r.namespaced);
    for (const rt of namespaced) {
      for (const o of this.store.list(storageKey(rt), ns)) {
        try {
          this.delete(rt, ns, String(meta(o)['name']));
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
    if (namespaced.some((r) => this.store.list(storageKey(r), ns).length > 0)) {
      setTimeout(() => this.drainNamespace(ns), 200).unref();
      return;
    }
    this.store.remove('/namespaces', '', ns);
  }
}
