import { ApiError } from './errors';
import { JsonObject } from './json';

/** A watch event as served on the wire (`{"type":"ADDED","object":{...}}`). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: JsonObject;
}

interface HistoryEntry extends WatchEvent {
  rv: number;
  storage: string;
  namespace: string;
}

interface Watcher {
  storage: string;
  namespace: string | undefined;
  send: (e: WatchEvent, rv: number) => void;
}

function metaOf(o: JsonObject): JsonObject {
  return o['metadata'] as JsonObject;
}

/**
 * The object store: one map per storage key (group/plural), one global resourceVersion counter, and a
 * bounded event history so watches can resume from a resourceVersion (410 Gone once it has been compacted
 * away). Stored objects are treated as immutable: writers pass new objects in.
 */
export class ObjectStore {
  private rv = 0;
  private readonly data = new Map<string, Map<string, JsonObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly historyLimit = 20000) {}

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Restores the counter after loading a snapshot. */
  restoreResourceVersion(rv: number): void {
    this.rv = Math.max(this.rv, rv);
  }

  private bucket(storage: string): Map<string, JsonObject> {
    let b = this.data.get(storage);
    if (!b) {
      b = new Map();
      this.data.set(storage, b);
    }
    return b;
  }

  /** One object, or undefined. */
  get(storage: string, namespace: string, name: string): JsonObject | undefined {
    return this.data.get(storage)?.get(`${namespace}/${name}`);
  }

  /** All objects of a storage key (one namespace, or all when namespace is undefined), sorted by ns/name. */
  list(storage: string, namespace?: string): JsonObject[] {
    const b = this.data.get(storage);
    if (!b) return [];
    const keys = [...b.keys()].filter((k) => namespace === undefined || k.startsWith(namespace + '/')).sort();
    return keys.map((k) => b.get(k) as JsonObject);
  }

  /** Number of stored objects across all resources. */
  count(): number {
    let n = 0;
    for (const b of this.data.values()) n += b.size;
    return n;
  }

  /** Every storage key in use. */
  storages(): string[] {
    return [...this.data.keys()];
  }

  /** Stores an object, stamping the next resourceVersion into it, and notifies watchers. */
  put(storage: string, obj: JsonObject, type: 'ADDED' | 'MODIFIED'): JsonObject {
    const meta = metaOf(obj);
    const ns = String(meta['namespace'] ?? '');
    const rv = ++this.rv;
    meta['resourceVersion'] = String(rv);
    this.bucket(storage).set(`${ns}/${String(meta['name'])}`, obj);
    this.emit({ type, object: obj, rv, storage, namespace: ns });
    return obj;
  }

  /** Removes an object; the DELETED event carries a fresh resourceVersion, as on a real server. */
  remove(storage: string, namespace: string, name: string): JsonObject | undefined {
    const b = this.data.get(storage);
    const obj = b?.get(`${namespace}/${name}`);
    if (!b || !obj) return undefined;
    b.delete(`${namespace}/${name}`);
    const rv = ++this.rv;
    const gone = { ...obj, metadata: { ...metaOf(obj), resourceVersion: String(rv) } };
    this.emit({ type: 'DELETED', object: gone, rv, storage, namespace });
    return gone;
  }

  /** Drops every object of a storage key (CRD deletion) without events. */
  dropStorage(storage: string): void {
    this.data.delete(storage);
  }

  private emit(e: HistoryEntry): void {
    this.history.push(e);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const w of this.watchers) {
      if (w.storage === e.storage && (w.namespace === undefined || w.namespace === e.namespace)) {
        w.send({ type: e.type, object: e.object }, e.rv);
      }
    }
  }

  /**
   * Starts a watch. With `fromRv` set, replays the events after it (410 Gone if the history no longer reaches
   * back that far); without it, starts with a synthetic ADDED per existing object, like a real server does for
   * a watch without resourceVersion. Returns the function that stops it.
   */
  watch(
    storage: string,
    namespace: string | undefined,
    fromRv: number | undefined,
    send: (e: WatchEvent, rv: number) => void,
  ): () => void {
    if (fromRv === undefined) {
      for (const o of this.list(storage, namespace)) send({ type: 'ADDED', object: o }, Number(metaOf(o)['resourceVersion']));
    } else if (fromRv < this.rv) {
      const oldest = this.history[0]?.rv ?? this.rv + 1;
      if (fromRv < oldest - 1) {
        throw new ApiError(410, 'Expired', `too old resource version: ${fromRv} (${oldest - 1})`);
      }
      for (const e of this.history) {
        if (e.rv > fromRv && e.storage === storage && (namespace === undefined || e.namespace === namespace)) {
          send({ type: e.type, object: e.object }, e.rv);
        }
      }
    }
    const w: Watcher = { storage, namespace, send };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** Everything, for persistence. */
  snapshot(): { resourceVersion: number; objects: Record<string, JsonObject[]> } {
    const objects: Record<string, JsonObject[]> = {};
    for (const [k, b] of this.data) objects[k] = [...b.values()];
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot without emitting events. */
  load(snap: { resourceVersion: number; objects: Record<string, JsonObject[]> }): void {
    for (const [k, objs] of Object.entries(snap.objects)) {
      const b = this.bucket(k);
      for (const o of objs) b.set(`${String(metaOf(o)['namespace'] ?? '')}/${String(metaOf(o)['name'])}`, o);
    }
    this.restoreResourceVersion(snap.resourceVersion);
  }
}
