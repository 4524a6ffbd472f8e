import { posix } from 'node:path';
import { satisfies } from 'semver';
import { Template, sprigFunctions, type FuncMap, type GoValue } from '@ferry/gotemplate';
import { crdFiles, isLibraryChart, type Chart, type ChartMetadata, type Values } from '../chart/chart';
import { HelmError, messageOf } from '../errors';
import { manifestText, sortManifests, type KubeObjectLike } from '../manifest/sort-manifests';
import { coalesceValues, isTable } from '../values/coalesce';
import { processDependencies } from '../values/dependencies';
import { validateValues } from '../values/schema';
import { parseYamlDocuments } from '../yaml';
import { capabilities, type TemplateCapabilities } from './capabilities';
import { templateFiles } from './files';
import type { LookupFunction, RenderedRelease, RenderOptions } from './render-types';
import {
  fromJson, fromJsonArray, fromToml, fromYaml, fromYamlArray, mustToJson, mustToYaml, REQUIRED_MARK, required, toJson, toToml, toYaml,
  toYamlPretty,
} from './helm-functions';

const RECURSION_LIMIT = 1000;

// Helm drops the environment functions from Sprig: charts must render the same everywhere.
const SPRIG: FuncMap = Object.fromEntries(Object.entries(sprigFunctions).filter(([name]) => name !== 'env' && name !== 'expandenv'));

function chartObject(metadata: ChartMetadata, isRoot: boolean): Record<string, unknown> {
  return {
    Name: metadata.name,
    Home: metadata.home ?? '',
    Sources: metadata.sources ?? [],
    Version: metadata.version,
    Description: metadata.description ?? '',
    Keywords: metadata.keywords ?? [],
    Maintainers: (metadata.maintainers ?? []).map((m) => ({ Name: m.name ?? '', Email: m.email ?? '', URL: m.url ?? '' })),
    Icon: metadata.icon ?? '',
    APIVersion: metadata.apiVersion,
    Condition: metadata.condition ?? '',
    Tags: metadata.tags ?? '',
    AppVersion: metadata.appVersion ?? '',
    Deprecated: metadata.deprecated ?? false,
    Annotations: metadata.annotations ?? {},
    KubeVersion: metadata.kubeVersion ?? '',
    Dependencies: (metadata.dependencies ?? []).map((d) => ({
      Name: d.name, Version: d.version ?? '', Repository: d.repository ?? '', Condition: d.condition ?? '',
      Tags: d.tags ?? [], Enabled: d.enabled ?? false, ImportValues: d['import-values'] ?? [], Alias: d.alias ?? '',
    })),
    Type: metadata.type ?? '',
    IsRoot: isRoot,
  };
}

interface Renderable {
  text: string;
  scope: Record<string, unknown>;
  basePath: string;
}

/** Collects every template of the chart and its subcharts with the data it renders against (Helm's recAllTpls). */
function collectTemplates(
  chart: Chart,
  parentScope: { Values: unknown; Release: unknown; Capabilities: unknown },
  path: string,
  isRoot: boolean,
  out: Map<string, Renderable>,
): Record<string, unknown> {
  const subcharts: Record<string, unknown> = {};
  const ownValues = isRoot ? parentScope.Values : isTable(parentScope.Values) ? parentScope.Values[chart.metadata.name] : undefined;
  const scope: Record<string, unknown> = {
    Chart: chartObject(chart.metadata, isRoot),
    Files: templateFiles(chart.files),
    Release: parentScope.Release,
    Capabilities: parentScope.Capabilities,
    Values: isTable(ownValues) ? ownValues : {},
    Subcharts: subcharts,
  };
  for (const sub of chart.dependencies) {
    subcharts[sub.metadata.name] = collectTemplates(sub, scope as typeof parentScope, `${path}/charts/${sub.metadata.name}`, false, out);
  }
  for (const t of chart.templates) {
    // a library chart contributes only its partials
    if (isLibraryChart(chart) && !posix.basename(t.name).startsWith('_')) continue;
    out.set(posix.join(path, t.name), { text: t.data.toString('utf8'), scope, basePath: posix.join(path, 'templates') });
  }
  return scope;
}

/** Helm's parse order: deeper paths first, so a parent's `define` overrides a subchart's of the same name. */
function parseOrder(names: Iterable<string>): string[] {
  const depth = (s: string): number => s.split('/').length;
  return [...names].sort((a, b) => depth(b) - depth(a) || (a < b ? 1 : a > b ? -1 : 0));
}

/** Helm's parse error: `parse error at (<template>:<line>): <message>`. */
function parseError(name: string, error: unknown): HelmError {
  const message = messageOf(error);
  const parts = /^template: (.*?:\d+): (.*)$/s.exec(message);
  return new HelmError(parts ? `parse error at (${parts[1] as string}): ${parts[2] as string}` : `parse error in (${name}): ${message}`);
}

/**
 * Helm's cleanupExecError: `execution error at (<template>:<line>:<col>): <message>`, where the message is the
 * innermost cause (a `required` or `fail` text, or Go's own error) without the chain of calls around it.
 */
function executionError(name: string, error: unknown): HelmError {
  const message = messageOf(error);
  const parts = /^template: ([^:]+(?::\d+)*): (.*)$/s.exec(message);
  if (!parts) return new HelmError(`execution error in (${name}): ${message}`);
  const marked = message.indexOf(REQUIRED_MARK);
  let detail = marked >= 0 ? message.slice(marked + REQUIRED_MARK.length) : (parts[2] as string);
  for (let previous = ''; previous !== detail; ) {
    previous = detail;
    detail = detail
      .replace(/^executing "[^"]*" at <[^>]*>: /s, '')
      .replace(/^error calling \w+: /, '')
      .replace(/^template: [^:]+(?::\d+)*: /, '');
  }
  return new HelmError(`execution error at (${parts[1] as string}): ${detail}`);
}

class Engine {
  private readonly included = new Map<string, number>();
  private inlineCount = 0;

  constructor(
    private readonly strict: boolean,
    private readonly lookup: LookupFunction | undefined,
  ) {}

  /** Helm's functions bound to one template namespace (include and tpl must see the namespace they run in). */
  functions(t: Template): FuncMap {
    return {
      ...SPRIG,
      toYaml, mustToYaml, toYamlPretty, fromYaml, fromYamlArray, toJson, mustToJson, fromJson, fromJsonArray, toToml, fromToml, required,
      // Helm resolves host names only with --enable-dns; rendering must not depend on the network
      getHostByName: (_host) => '',
      lookup: (apiVersion, kind, namespace, name) =>
        this.lookup ? this.lookup(String(apiVersion), String(kind), String(namespace ?? ''), String(name ?? '')) : {},
      include: (name, data) => this.include(t, String(name), data),
      tpl: (text, data) => this.tpl(t, String(text), data),
    };
  }

  private include(t: Template, name: string, data: GoValue): string {
    const depth = (this.included.get(name) ?? 0) + 1;
    if (depth > RECURSION_LIMIT) throw new Error(`rendering template has a nested reference name: ${name}: unable to execute template`);
    this.included.set(name, depth);
    try {
      return t.executeTemplate(name, data);
    } catch (error) {
      // JavaScript's stack ends before Helm's 1000 nested includes do: report it as Helm reports the limit
      if (error instanceof RangeError) throw new Error(`rendering template has a nested reference name: ${name}: unable to execute template`);
      throw error;
    } finally {
      this.included.set(name, depth - 1);
    }
  }

  private tpl(t: Template, text: string, data: GoValue): string {
    const template = isTable(data) && isTable(data['Template']) ? data['Template']['Name'] : undefined;
    if (typeof template !== 'string') throw new Error('cannot retrieve Template.Name from values inside tpl function');
    const clone = t.clone();
    clone.funcs(this.functions(clone));
    // A fresh name: Go keeps an existing template when a redefinition has an empty body, which would run the
    // calling template again for `tpl ""`. Errors still name the template the text came from.
    const inline = `${template}#tpl${++this.inlineCount}`;
    const named = (error: unknown): string => messageOf(error).replaceAll(inline, template);
    try {
      clone.parse(text, inline);
    } catch (error) {
      throw new Error(`cannot parse template "${text}": ${named(error)}`);
    }
    let out: string;
    try {
      out = clone.executeTemplate(inline, data);
    } catch (error) {
      throw new Error(`error during tpl function execution for "${text}": ${named(error)}`);
    }
    return this.strict ? out : out.replaceAll('<no value>', '');
  }

  /** Renders every non-partial template: path → text (Helm's engine.Render). */
  render(templates: ReadonlyMap<string, Renderable>): Map<string, string> {
    const root = new Template('gotpl', { missingKey: this.strict ? 'error' : 'zero' });
    root.funcs(this.functions(root));
    for (const name of parseOrder(templates.keys())) {
      try {
        root.parse((templates.get(name) as Renderable).text, name);
      } catch (error) {
        throw parseError(name, error);
      }
    }
    const rendered = new Map<string, string>();
    for (const [name, r] of [...templates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (posix.basename(name).startsWith('_')) continue;
      let out: string;
      try {
        out = root.executeTemplate(name, { ...r.scope, Template: { Name: name, BasePath: r.basePath } });
      } catch (error) {
        throw executionError(name, error);
      }
      // Go prints <no value> for a missing key even under missingkey=zero; Helm erases it
      rendered.set(name, this.strict ? out : out.replaceAll('<no value>', ''));
    }
    return rendered;
  }
}

/**
 * Renders every template of a processed chart (see processDependencies) against coalesced values, as Helm's
 * engine.Render: path (`<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`) → text. Partials and
 * library templates are parsed but not returned; NOTES.txt is returned like any template.
 */
export function renderTemplates(
  chart: Chart,
  values: Values,
  options: Pick<RenderOptions, 'release' | 'kubeVersion' | 'apiVersions' | 'lookup' | 'strict'>,
): Map<string, string> {
  const caps: TemplateCapabilities = capabilities(options.kubeVersion, options.apiVersions);
  const release = {
    Name: options.release.name,
    Namespace: options.release.namespace,
    // an int in Go (values numbers are float64): `eq .Release.Revision 1` must compare ints
    Revision: BigInt(options.release.revision),
    IsInstall: options.release.isInstall,
    IsUpgrade: options.release.isUpgrade,
    Service: 'Helm',
  };
  const templates = new Map<string, Renderable>();
  collectTemplates(chart, { Values: values, Release: release, Capabilities: caps }, chart.metadata.name, true, templates);
  return new Engine(options.strict ?? false, options.lookup).render(templates);
}

function checkInstallable(chart: Chart, kubeVersion: string): void {
  if (chart.metadata.type && chart.metadata.type !== 'application') {
    throw new HelmError(`chart ${chart.metadata.name}: ${chart.metadata.type} charts are not installable`);
  }
  const missing = (chart.metadata.dependencies ?? []).filter((d) => !chart.dependencies.some((c) => c.metadata.name === d.name));
  if (missing.length > 0) {
    throw new HelmError(`chart ${chart.metadata.name}: found in Chart.yaml, but missing in charts/ directory: ${missing.map((d) => d.name).join(', ')}`);
  }
  const constraint = chart.metadata.kubeVersion;
  if (constraint && !satisfies(kubeVersion, constraint, { loose: true, includePrerelease: true })) {
    throw new HelmError(`chart requires kubeVersion: ${constraint} which is incompatible with Kubernetes ${kubeVersion}`);
  }
}

function collectCrds(chart: Chart, path: string, out: KubeObjectLike[]): void {
  for (const file of crdFiles(chart)) {
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(file.data.toString('utf8'));
    } catch (error) {
      throw new HelmError(`chart ${chart.metadata.name}: cannot parse ${posix.join(path, file.name)}: ${messageOf(error)}`);
    }
    for (const doc of docs) if (isTable(doc)) out.push(doc as KubeObjectLike);
  }
  for (const sub of chart.dependencies) collectCrds(sub, `${path}/charts/${sub.metadata.name}`, out);
}

/**
 * Helm's install/upgrade rendering in one call: checks the chart is installable on this Kubernetes version,
 * processes dependencies (conditions, tags, aliases, import-values), coalesces the user's values over the
 * defaults, validates them against values.schema.json, renders, splits hooks from manifests, sorts both in
 * install order, and collects `crds/` and NOTES.txt.
 */
export function renderChart(chart: Chart, userValues: Values, options: RenderOptions): RenderedRelease {
  const caps = capabilities(options.kubeVersion, options.apiVersions);
  checkInstallable(chart, caps.KubeVersion.Version);
  const processed = processDependencies(chart, userValues);
  const values = coalesceValues(processed, userValues);
  validateValues(processed, values);
  const files = renderTemplates(processed, values, options);
  const notesPath = posix.join(processed.metadata.name, 'templates', 'NOTES.txt');
  const notes: string[] = [];
  for (const [name, text] of files) {
    if (!name.endsWith('/NOTES.txt')) continue;
    // the top chart's notes first, then its subcharts' (Helm leaves that order to map iteration)
    if (name === notesPath) notes.unshift(text);
    else if (options.subchartNotes) notes.push(text);
    files.delete(name);
  }
  const { manifests, hooks } = sortManifests(files);
  const crds: KubeObjectLike[] = [];
  collectCrds(processed, processed.metadata.name, crds);
  return {
    chart: processed,
    values,
    manifests: manifests.flatMap((m) => (m.object ? [m.object] : [])),
    documents: manifests,
    hooks,
    crds,
    notes: notes.join('\n'),
    manifest: manifestText(manifests),
  };
}

/** The asynchronous `lookup` port a controller has (a kube client): same contract as LookupFunction. */
export type AsyncLookupFunction = (apiVersion: string, kind: string, namespace: string, name: string) => Promise<Record<string, unknown>>;

// Templates may look up objects whose names come from earlier lookups; each pass can discover new ones.
const MAX_LOOKUP_PASSES = 4;

/**
 * renderChart with an asynchronous `lookup`: renders, fetches every object the templates asked for, and renders
 * again from those answers until no template asks for anything new (templates run synchronously, so the
 * cluster cannot be asked from inside them).
 */
export async function renderChartAsync(
  chart: Chart,
  userValues: Values,
  options: Omit<RenderOptions, 'lookup'> & { lookup: AsyncLookupFunction },
): Promise<RenderedRelease> {
  const answers = new Map<string, Record<string, unknown>>();
  for (let pass = 1; ; pass++) {
    const wanted = new Map<string, [string, string, string, string]>();
    const lookup: LookupFunction = (...args) => {
      const key = JSON.stringify(args);
      const known = answers.get(key);
      if (known) return known;
      wanted.set(key, args);
      return {};
    };
    const rendered = renderChart(chart, userValues, { ...options, lookup });
    if (wanted.size === 0 || pass === MAX_LOOKUP_PASSES) return rendered;
    for (const [key, args] of wanted) answers.set(key, await options.lookup(...args));
  }
}
