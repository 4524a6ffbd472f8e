import * as path from 'node:path';
import type { FileSystem, LoadRestrictor } from '../file-system.port';
import type { Json, JsonObject } from '../yaml/emit';
import { parseYamlDocument, parseYamlStream } from '../yaml/parse';
import { deepCopy, isObject, Resource } from '../resource/resource';
import { legacyCompare, resIdString, sameIdKey, type ResId } from '../resource/res-id';
import { defaultTransformerConfig, mergeConfig, type TransformerConfig } from '../resource/builtin-config';
import { visitSpecs, type FieldSpec } from '../resource/field-spec';
import { selectResources, type Selector } from '../transformers/select';
import { KustomizeError } from '../errors';
import { Loader } from './loader';
import { checkKustomization, KUSTOMIZATION_FILE_NAMES, listField, stringField, stringMapField, type Kustomization } from './kustomization';
import { generate, type GeneratorArgs, type GeneratorOptions } from '../generators/configmap-secret.generator';
import { contentHash } from '../generators/hash';
import {
  applyImages,
  applyMapEntries,
  applyNamespace,
  applyPrefixSuffix,
  applyReplicas,
  type ImageOverride,
  type ReplicaOverride,
} from '../transformers/builtin.transformers';
import { applyPatches, type PatchEntry } from '../transformers/patch.transformer';
import { fixNameReferences } from '../transformers/name-reference.transformer';
import { applyReplacements, type Replacement } from '../transformers/replacement.transformer';
import { resolveVars, type VarDecl } from '../transformers/vars.transformer';
import { configFromCrds, mergeKeysFromOpenApi, type MergeKeyTable } from './crd-config';

/** How the build orders its output. */
export type Reorder = 'legacy' | 'none';

/** Options of a build. */
export interface BuildOptions {
  fs: FileSystem;
  loadRestrictor?: LoadRestrictor;
  /** Output order; `undefined` follows the kustomization's sortOptions, defaulting to legacy. */
  reorder?: Reorder;
}

interface Accumulator {
  resources: Resource[];
  /** List merge keys from a kustomization's `openapi:` schema (custom kinds). */
  mergeKeys?: MergeKeyTable;
  config: TransformerConfig;
  vars: VarDecl[];
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Builds the kustomization in `dir` and returns its objects in output order. */
export function buildResources(dir: string, opts: BuildOptions): JsonObject[] {
  const restrictor = opts.loadRestrictor ?? 'LoadRestrictionsRootOnly';
  const root = realDir(opts.fs, dir);
  const target = new KustTarget(opts.fs, restrictor, [], root);
  const { acc, kust } = target.accumulate(root, undefined);
  finish(acc);
  let order: Reorder = opts.reorder ?? 'legacy';
  const so = kust['sortOptions'];
  if (opts.reorder === undefined && isObject(so) && so['order'] === 'fifo') order = 'none';
  if (opts.reorder === undefined && isObject(so) && so['order'] === 'legacy') order = 'legacy';
  let out = acc.resources.filter((r) => !isLocalConfig(r));
  applyBuildMetadata(out, listField(kust, 'buildMetadata'));
  if (order === 'legacy') out = stableSort(out, (a, b) => legacyCompare(a.id(), b.id()));
  return out.map((r) => dropEmptyAnnotations(r.obj));
}

// kustomize rewrites annotations while building (removing its internal ones), and an empty result disappears.
function dropEmptyAnnotations(obj: JsonObject): JsonObject {
  const meta = obj['metadata'];
  if (isObject(meta) && 'annotations' in meta) {
    const a = meta['annotations'];
    if (a === null || (isObject(a) && Object.keys(a).length === 0)) delete meta['annotations'];
  }
  return obj;
}

/** Which builtin transformers a kustomization configures, in the order kustomize runs them. */
function recordTransformations(kust: Kustomization, resources: readonly Resource[], kustFile: string): void {
  const kinds: string[] = [];
  if (listField(kust, 'patchesStrategicMerge').length) kinds.push('PatchStrategicMergeTransformer');
  for (const _ of listField(kust, 'patches')) kinds.push('PatchTransformer');
  if (stringField(kust, 'namespace')) kinds.push('NamespaceTransformer');
  if (stringField(kust, 'namePrefix')) kinds.push('PrefixTransformer');
  if (stringField(kust, 'nameSuffix')) kinds.push('SuffixTransformer');
  const labels = listField(kust, 'labels');
  if (labels.length || kust['commonLabels'] !== undefined) {
    for (const _ of labels) kinds.push('LabelTransformer');
    kinds.push('LabelTransformer');
  }
  if (kust['commonAnnotations'] !== undefined) kinds.push('AnnotationsTransformer');
  for (const _ of listField(kust, 'patchesJson6902')) kinds.push('PatchJson6902Transformer');
  for (const _ of listField(kust, 'replicas')) kinds.push('ReplicaCountTransformer');
  for (const _ of listField(kust, 'images')) kinds.push('ImageTagTransformer');
  if (listField(kust, 'replacements').length) kinds.push('ReplacementTransformer');
  if (kinds.length === 0) return;
  const entries = kinds.map((k) => `- configuredIn: ${kustFile}\n  configuredBy:\n    apiVersion: builtin\n    kind: ${k}\n`);
  for (const r of resources) r.transformations.push(...entries);
}

function applyBuildMetadata(resources: readonly Resource[], options: readonly Json[]): void {
  for (const r of resources) {
    const add: Record<string, string> = {};
    if (options.includes('originAnnotations') && r.origin) add['config.kubernetes.io/origin'] = r.origin;
    if (options.includes('transformerAnnotations') && r.transformations.length)
      add['alpha.config.kubernetes.io/transformations'] = r.transformations.join('');
    if (Object.keys(add).length) r.metadata['annotations'] = { ...r.annotations(), ...add };
    if (options.includes('managedByLabel')) r.metadata['labels'] = { ...r.labels(), 'app.kubernetes.io/managed-by': 'kustomize-v5.5.0' };
  }
}

function isLocalConfig(r: Resource): boolean {
  return 'config.kubernetes.io/local-config' in r.annotations();
}

function stableSort<T>(xs: T[], cmp: (a: T, b: T) => number): T[] {
  return xs
    .map((x, i) => [x, i] as const)
    .sort((a, b) => cmp(a[0], b[0]) || a[1] - b[1])
    .map((p) => p[0]);
}

function realDir(fs: FileSystem, dir: string): string {
  try {
    return fs.realpath(dir);
  } catch {
    throw new KustomizeError(`evalsymlink failure on '${dir}' : lstat ${dir}: no such file or directory`);
  }
}

/** Steps kustomize runs once, at the top: hash suffixes, name references, vars. */
function finish(acc: Accumulator): void {
  for (const r of acc.resources) {
    if (!r.needsHash) continue;
    const h = contentHash(r.obj);
    r.rememberId();
    r.name = `${r.name}-${h}`;
    r.needsHash = false;
  }
  fixNameReferences(acc.resources, acc.config.nameReference);
  resolveVars(acc.resources, acc.vars, acc.config.varReference);
}

class KustTarget {
  constructor(
    private readonly fs: FileSystem,
    private readonly restrictor: LoadRestrictor,
    private readonly visiting: string[],
    /** Directory of the kustomization being built; origins are reported relative to it. */
    private readonly topRoot: string,
  ) {}

  /** The kustomization field being applied, for error messages. */
  private field = '';

  private loadKustomization(root: string): { kust: Kustomization; file: string } {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const p = path.posix.join(root, name);
      if (this.fs.stat(p) === 'file') {
        const text = Buffer.from(this.fs.readFile(this.fs.realpath(p))).toString('utf8');
        const raw = text.trim() === '' ? null : parseYamlDocument(text, p);
        return { kust: checkKustomization(raw, name), file: p };
      }
    }
    throw new KustomizeError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${root}'`,
    );
  }

  /** Loads and runs the kustomization at `root` into a fresh accumulator (or `into`, for components). */
  accumulate(root: string, isComponent: boolean | undefined, into?: Accumulator): { acc: Accumulator; kust: Kustomization } {
    if (this.visiting.includes(root)) {
      throw new KustomizeError(`cycle detected: candidate root '${root}' contains visited root '${root}'`);
    }
    const { kust, file } = this.loadKustomization(root);
    const kind = str(kust['kind']) ?? 'Kustomization';
    if (isComponent && kind !== 'Component') {
      throw new KustomizeError(`accumulating components: expected kind 'Component' for path '${root}' but got '${kind}'`);
    }
    if (isComponent === false && kind === 'Component') {
      throw new KustomizeError(`expected kind != 'Component' for path '${root}'`);
    }
    const loader = new Loader(this.fs, root, this.restrictor);
    const sub = new KustTarget(this.fs, this.restrictor, [...this.visiting, root], this.topRoot);
    const acc: Accumulator = into ?? { resources: [], config: defaultTransformerConfig(), vars: [] };
    try {
      sub.run(kust, loader, acc, path.posix.relative(this.topRoot, file));
    } catch (e) {
      if (e instanceof KustomizeError && !e.message.includes(file) && this.visiting.length === 0) throw e;
      throw e;
    }
    return { acc, kust };
  }

  private run(kust: Kustomization, loader: Loader, acc: Accumulator, kustFile: string): void {
    // No transformer runs while resources are added, so the ids present can be indexed once for the duplicate check.
    const ids = new Set(acc.resources.map((r) => sameIdKey(r.id())));
    for (const entry of listField(kust, 'resources')) {
      if (typeof entry !== 'string') throw new KustomizeError('invalid Kustomization: resources must be strings');
      try {
        this.accumulateResource(entry, loader, acc, ids);
      } catch (e) {
        if (e instanceof KustomizeError && !e.message.startsWith('accumulating resources'))
          throw new KustomizeError(`accumulating resources: accumulation err='accumulating resources from '${entry}': ${e.message}`);
        throw e;
      }
    }
    for (const c of listField(kust, 'configurations')) {
      if (typeof c !== 'string') continue;
      acc.config = mergeConfig(acc.config, parseConfig(loader, c));
    }
    for (const c of listField(kust, 'crds')) {
      if (typeof c !== 'string') continue;
      acc.config = mergeConfig(acc.config, configFromCrds(parseYamlStream(Buffer.from(loader.readFile(c)).toString('utf8'), c)));
    }
    const openapi = kust['openapi'];
    if (isObject(openapi) && typeof openapi['path'] === 'string') {
      const text = Buffer.from(loader.readFile(openapi['path'])).toString('utf8');
      acc.mergeKeys = mergeKeysFromOpenApi(parseYamlDocument(text, openapi['path']));
    }
    for (const c of listField(kust, 'components')) {
      if (typeof c !== 'string') continue;
      const dir = this.resolveDir(loader, c);
      this.accumulate(dir, true, acc);
    }
    try {
      this.field = 'configMapGenerator/secretGenerator';
      this.runGenerators(kust, loader, acc, kustFile);
      recordTransformations(kust, acc.resources, kustFile);
      this.runTransformers(kust, loader, acc);
    } catch (e) {
      // Name the kustomization file and field, as kustomize's errors do; nested builds add their own.
      if (e instanceof KustomizeError && !e.message.startsWith('kustomization ')) {
        throw new KustomizeError(`kustomization '${path.posix.join(this.topRoot, kustFile)}': field ${this.field}: ${e.message}`);
      }
      throw e;
    }
    for (const v of listField(kust, 'vars')) {
      if (!isObject(v)) continue;
      const name = str(v['name']) ?? '';
      if (acc.vars.some((x) => x.name === name)) throw new KustomizeError(`var '${name}' already encountered`);
      acc.vars.push(v as unknown as VarDecl);
    }
  }

  private resolveDir(loader: Loader, rel: string): string {
    const abs = loader.resolve(rel);
    try {
      return this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(`evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
    }
  }

  private accumulateResource(entry: string, loader: Loader, acc: Accumulator, ids: Set<string>): void {
    const abs = loader.resolve(entry);
    let real: string;
    try {
      real = this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(
        `evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`,
      );
    }
    const kind = this.fs.stat(real);
    if (kind === 'file') {
      loader.checkInRoot(real, abs);
      const text = Buffer.from(this.fs.readFile(real)).toString('utf8');
      const origin = `path: ${path.posix.relative(this.topRoot, abs)}\n`;
      for (const r of resourcesFromText(text, abs)) {
        r.origin = origin;
        appendResource(acc, r, ids);
      }
      return;
    }
    try {
      const { acc: sub } = this.accumulate(real, false);
      for (const r of sub.resources) appendResource(acc, r, ids);
      acc.config = mergeConfig(acc.config, sub.config);
      for (const v of sub.vars) {
        if (acc.vars.some((x) => x.name === v.name)) throw new KustomizeError(`var '${v.name}' already encountered`);
        acc.vars.push(v);
      }
    } catch (e) {
      if (e instanceof KustomizeError && !e.message.startsWith('accumulating resources:')) {
        if (e.message.startsWith('cycle detected') || e.message.startsWith('expected kind') || e.message.startsWith('unable to find'))
          throw new KustomizeError(`'${abs}' must resolve to a file': ${e.message.startsWith('unable') ? `couldn't make target for path '${real}': ` : ''}${e.message}`);
        throw e;
      }
      if (e instanceof KustomizeError)
        throw new KustomizeError(`'${abs}' must resolve to a file': recursed accumulation of path '${real}': ${e.message}`);
      throw e;
    }
  }

  private runGenerators(kust: Kustomization, loader: Loader, acc: Accumulator, kustFile: string): void {
    const global = isObject(kust['generatorOptions']) ? (kust['generatorOptions'] as unknown as GeneratorOptions) : undefined;
    const ns = stringField(kust, 'namespace');
    const gens: [('ConfigMap' | 'Secret'), Json][] = [
      ...listField(kust, 'configMapGenerator').map((g) => ['ConfigMap', g] as ['ConfigMap', Json]),
      ...listField(kust, 'secretGenerator').map((g) => ['Secret', g] as ['Secret', Json]),
    ];
    for (const [kind, g] of gens) {
      if (!isObject(g)) continue;
      const args = g as unknown as GeneratorArgs;
      const r = generate(kind, args, global, loader);
      r.origin = `configuredIn: ${kustFile}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${kind}Generator\n`;
      mergeGenerated(acc, r, ns);
    }
  }

  private runTransformers(kust: Kustomization, loader: Loader, acc: Accumulator): void {
    const cfg = acc.config;
    this.field = 'patchesStrategicMerge';
    const psm = listField(kust, 'patchesStrategicMerge');
    if (psm.length) {
      const entries: PatchEntry[] = psm.map((p) => {
        const s = String(p);
        const isInline = s.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/.test(s);
        return isInline ? { patch: s, legacySmp: true } : { path: s, legacySmp: true };
      });
      acc.resources = applyPatches(acc.resources, entries, loader, acc.mergeKeys);
    }
    this.field = 'patches';
    const patches = listField(kust, 'patches');
    if (patches.length) acc.resources = applyPatches(acc.resources, patches as unknown as PatchEntry[], loader, acc.mergeKeys);
    this.field = 'namespace';
    const ns = stringField(kust, 'namespace');
    if (ns) applyNamespace(acc.resources, ns, cfg.namespace);
    this.field = 'namePrefix/nameSuffix';
    applyPrefixSuffix(acc.resources, stringField(kust, 'namePrefix') ?? '', '', cfg.namePrefix);
    applyPrefixSuffix(acc.resources, '', stringField(kust, 'nameSuffix') ?? '', cfg.nameSuffix);
    this.field = 'commonLabels/labels';
    const commonLabels = stringMapField(kust, 'commonLabels');
    applyMapEntries(acc.resources, commonLabels, cfg.commonLabels);
    for (const l of listField(kust, 'labels')) {
      if (!isObject(l)) continue;
      const pairs = stringMapField(l, 'pairs');
      let specs: FieldSpec[];
      if (l['includeSelectors'] === true) specs = cfg.commonLabels;
      else {
        specs = [];
        if (l['includeTemplates'] === true) specs = [...cfg.templateLabels];
        specs = [...specs, { path: 'metadata/labels', create: true }];
      }
      if (Array.isArray(l['fields'])) specs = [...specs, ...(l['fields'] as unknown as FieldSpec[])];
      applyMapEntries(acc.resources, pairs, specs);
    }
    this.field = 'commonAnnotations';
    applyMapEntries(acc.resources, stringMapField(kust, 'commonAnnotations'), cfg.commonAnnotations);
    this.field = 'patchesJson6902';
    const pj = listField(kust, 'patchesJson6902');
    if (pj.length) {
      acc.resources = applyPatches(
        acc.resources,
        pj.map((p) => ({ ...(p as JsonObject), json6902: true }) as unknown as PatchEntry),
        loader,
      );
    }
    this.field = 'replicas';
    const replicas = listField(kust, 'replicas') as unknown as ReplicaOverride[];
    if (replicas.length) applyReplicas(acc.resources, replicas, cfg.replicas);
    this.field = 'images';
    const images = [...listField(kust, 'images'), ...listField(kust, 'imageTags')] as unknown as ImageOverride[];
    applyImages(acc.resources, images, cfg.images);
    this.field = 'replacements';
    const repl = listField(kust, 'replacements');
    if (repl.length) {
      const loaded: Replacement[] = [];
      for (const r of repl) {
        if (isObject(r) && typeof r['path'] === 'string') {
          const docs = parseYamlStream(Buffer.from(loader.readFile(r['path'])).toString('utf8'), r['path']);
          for (const d of docs) {
            if (Array.isArray(d)) loaded.push(...(d as unknown as Replacement[]));
            else loaded.push(d as unknown as Replacement);
          }
        } else loaded.push(r as unknown as Replacement);
      }
      applyReplacements(acc.resources, loaded);
    }
    for (const t of listField(kust, 'transformers')) {
      if (typeof t !== 'string') continue;
      this.field = `transformers (${t})`;
      this.runTransformerConfig(t, loader, acc);
    }
  }

  private runTransformerConfig(entry: string, loader: Loader, acc: Accumulator): void {
    let docs: Json[];
    const abs = loader.resolve(entry);
    const real = this.fs.stat(abs) === 'missing' ? abs : this.fs.realpath(abs);
    if (this.fs.stat(real) === 'dir') {
      const { acc: sub } = this.accumulate(real, false);
      docs = sub.resources.map((r) => r.obj);
    } else if (this.fs.stat(real) === 'file') {
      docs = parseYamlStream(Buffer.from(loader.readFile(entry)).toString('utf8'), entry);
    } else {
      docs = parseYamlStream(entry, 'inline transformer');
    }
    for (const d of docs) {
      if (!isObject(d)) continue;
      runBuiltinPlugin(d, loader, acc);
    }
  }
}

function runBuiltinPlugin(cfg: JsonObject, loader: Loader, acc: Accumulator): void {
  const kind = str(cfg['kind']);
  const specs = Array.isArray(cfg['fieldSpecs']) ? (cfg['fieldSpecs'] as unknown as FieldSpec[]) : [];
  switch (kind) {
    case 'LabelTransformer':
      applyMapEntries(acc.resources, stringMapField(cfg, 'labels'), specs);
      return;
    case 'AnnotationsTransformer':
      applyMapEntries(acc.resources, stringMapField(cfg, 'annotations'), specs);
      return;
    case 'NamespaceTransformer': {
      const meta = isObject(cfg['metadata']) ? cfg['metadata'] : {};
      applyNamespace(acc.resources, str(meta['namespace']) ?? '', specs.length ? specs : acc.config.namespace);
      return;
    }
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer':
      applyPrefixSuffix(acc.resources, str(cfg['prefix']) ?? '', str(cfg['suffix']) ?? '', specs.length ? specs : acc.config.namePrefix);
      return;
    case 'ImageTagTransformer':
      applyImages(acc.resources, [cfg['imageTag'] as unknown as ImageOverride], specs.length ? specs : acc.config.images);
      return;
    case 'ReplicaCountTransformer':
      applyReplicas(acc.resources, [cfg['replica'] as unknown as ReplicaOverride], specs.length ? specs : acc.config.replicas);
      return;
    case 'PatchTransformer':
    case 'PatchStrategicMergeTransformer':
    case 'PatchJson6902Transformer': {
      const entry: PatchEntry = {
        ...(typeof cfg['path'] === 'string' ? { path: cfg['path'] } : {}),
        ...(typeof cfg['patch'] === 'string' ? { patch: cfg['patch'] } : {}),
        ...(typeof cfg['jsonOp'] === 'string' ? { patch: cfg['jsonOp'] } : {}),
        ...(isObject(cfg['target']) ? { target: cfg['target'] as never } : {}),
      };
      acc.resources = applyPatches(acc.resources, [entry], loader);
      return;
    }
    case 'ValueAddTransformer':
      applyValueAdd(acc.resources, cfg, path.posix.basename(loader.root));
      return;
    default:
      throw new KustomizeError(`unable to load builtin ${kind ?? '<no kind>'}: plugins are not supported`);
  }
}

/**
 * ValueAddTransformer: writes `value` (default: the kustomization directory's name) into fields, either
 * replacing them or, with `filePathPosition` n >= 1, inserting it as the n-th element of a slash path.
 */
function applyValueAdd(resources: Resource[], cfg: JsonObject, dirName: string): void {
  const value = str(cfg['value']) ?? dirName;
  const targets = Array.isArray(cfg['targets']) ? cfg['targets'] : [];
  for (const t of targets) {
    if (!isObject(t) || typeof t['fieldPath'] !== 'string') continue;
    const selected = isObject(t['selector']) ? selectResources(resources, t['selector'] as Selector) : resources;
    const pos = typeof t['filePathPosition'] === 'number' ? t['filePathPosition'] : 0;
    for (const r of selected) {
      visitSpecs(r, [{ path: t['fieldPath'], create: true }], (holder, key, cur) => {
        if (pos <= 0 || typeof cur !== 'string') {
          holder[key] = value;
          return;
        }
        const parts = cur.split('/');
        parts.splice(Math.min(pos - 1, parts.length), 0, value);
        holder[key] = parts.join('/');
      });
    }
  }
}

function parseConfig(loader: Loader, file: string): Partial<TransformerConfig> {
  const d = parseYamlDocument(Buffer.from(loader.readFile(file)).toString('utf8'), file);
  if (!isObject(d)) return {};
  const out: Partial<TransformerConfig> = {};
  const specList = (k: string): FieldSpec[] => (Array.isArray(d[k]) ? (d[k] as unknown as FieldSpec[]) : []);
  for (const k of ['namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'templateLabels', 'commonAnnotations', 'varReference', 'images', 'replicas'] as const) {
    if (Array.isArray(d[k])) out[k] = specList(k);
  }
  if (Array.isArray(d['nameReference'])) {
    out.nameReference = (d['nameReference'] as JsonObject[]).map((n) => ({
      referral: { kind: str(n['kind']) ?? '', ...(str(n['group']) ? { group: str(n['group']) } : {}), ...(str(n['version']) ? { version: str(n['version']) } : {}) },
      fieldSpecs: Array.isArray(n['fieldSpecs']) ? (n['fieldSpecs'] as unknown as FieldSpec[]) : [],
    }));
  }
  return out;
}

/** Parses a resource file: multi-document YAML or JSON, with `kind: *List` flattened into its items. */
export function resourcesFromText(text: string, source: string): Resource[] {
  const out: Resource[] = [];
  // kustomize appends the items of List documents after the file's plain documents.
  const fromLists: Json[] = [];
  const push = (d: Json): void => {
    if (!isObject(d)) throw new KustomizeError(`missing Resource metadata in ${source}`);
    const kind = d['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(d['items'])) {
      fromLists.push(...d['items']);
      return;
    }
    const meta = d['metadata'];
    const name = isObject(meta) ? meta['name'] : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new KustomizeError(`missing metadata.name in object ${describe(d)}': must build at directory: '${source}': file is not directory`);
    }
    out.push(new Resource(d));
  };
  for (const d of parseYamlStream(text, source)) push(d);
  while (fromLists.length) push(fromLists.shift() as Json);
  return out;
}

function describe(d: JsonObject): string {
  const meta = isObject(d['metadata']) ? d['metadata'] : {};
  const m = (v: Json | undefined): string =>
    isObject(v) ? `map[${Object.keys(v).sort().map((k) => `${k}:${String(v[k])}`).join(' ')}]` : 'map[]';
  return `{{${str(d['apiVersion']) ?? ''} ${str(d['kind']) ?? ''}} {{${str(meta['name']) ?? ''} ${str(meta['namespace']) ?? ''}} ${m(meta['labels'])} ${m(meta['annotations'])}}}`;
}

/** Appends `r` unless its id is among `ids` (the ids of `acc.resources`, kept up to date here). */
function appendResource(acc: Accumulator, r: Resource, ids: Set<string>): void {
  const id = r.id();
  const key = sameIdKey(id);
  if (ids.has(key)) {
    throw new KustomizeError(`may not add resource with an already registered id: ${resIdString(id)}`);
  }
  ids.add(key);
  acc.resources.push(r);
}

function mergeGenerated(acc: Accumulator, r: Resource, kustNs: string | undefined): void {
  const id: ResId = r.id();
  const matches = acc.resources.filter((x) => {
    const xi = x.id();
    if (xi.kind !== id.kind || xi.name !== id.name && x.orgId().name !== id.name) return false;
    if (!id.namespace) return true;
    return xi.namespace === id.namespace || (!xi.namespace && id.namespace === kustNs);
  });
  if (r.behavior === 'create' || r.behavior === undefined) {
    if (matches.length) throw new KustomizeError(`may not add resource with an already registered id: ${resIdString(id)}`);
    acc.resources.push(r);
    return;
  }
  const target = matches[0];
  if (!target) {
    throw new KustomizeError(
      `merging from generator &{0xc000000000 <nil>}: id resid.ResId{Gvk:resid.Gvk{Group:"", Version:"v1", Kind:"${id.kind}", isClusterScoped:false}, Name:"${id.name}", Namespace:"${id.namespace}"} does not exist; cannot merge or replace`,
    );
  }
  if (r.behavior === 'replace') {
    const meta = target.metadata;
    target.obj['data'] = deepCopy(r.obj['data'] ?? {});
    if (r.obj['binaryData']) target.obj['binaryData'] = deepCopy(r.obj['binaryData']);
    else delete target.obj['binaryData'];
    mergeMeta(meta, r.metadata);
  } else {
    for (const f of ['data', 'binaryData'] as const) {
      const add = r.obj[f];
      if (!isObject(add) || Object.keys(add).length === 0) continue;
      const cur = isObject(target.obj[f]) ? (target.obj[f] as JsonObject) : {};
      target.obj[f] = { ...cur, ...add };
    }
    mergeMeta(target.metadata, r.metadata);
  }
  target.needsHash = target.needsHash || r.needsHash;
  if (!r.needsHash) target.needsHash = false;
}

function mergeMeta(into: JsonObject, from: JsonObject): void {
  for (const f of ['labels', 'annotations']) {
    const add = from[f];
    if (!isObject(add)) continue;
    into[f] = { ...(isObject(into[f]) ? into[f] : {}), ...add };
  }
}
