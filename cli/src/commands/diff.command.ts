import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Command } from 'commander';
import { displayId, identityOf, inventoryId, KubeApiError, parseInventoryId, type KubeObject } from '@ferry/kube';
import { buildResources, NodeFileSystem, substitute, type JsonObject } from '@ferry/kustomize';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { getOrFail, KUSTOMIZATION, type FluxObject } from '../shared/flux-kinds';
import { ReportedFailure } from '../shared/output';

/** The field manager the dry run applies as: the reconciler's, so ownership reads as it would after a reconcile. */
export const RECONCILER_FIELD_MANAGER = 'kustomize-controller';

interface KustomizationSpec {
  targetNamespace?: string;
  prune?: boolean;
  postBuild?: { substitute?: Record<string, string> };
}

/** `ferry diff kustomization NAME --path DIR`: local build vs the cluster, by server-side dry run; exit 1 on changes. */
export function diffCommand(environment: CliEnvironment): Command {
  const diff = new Command('diff').description('Diff a local build against the cluster');
  diff.addCommand(
    new Command('kustomization')
      .alias('ks')
      .description('Diff a Kustomization built from a local directory against the cluster')
      .argument('<name>', 'Kustomization name')
      .requiredOption('--path <dir>', 'path to the local directory with the manifests')
      .action(async (name: string, flags: { path: string }, command: Command) => {
        const ctx = CliContext.of(environment, command);
        const kustomization = await getOrFail(ctx, KUSTOMIZATION, name);
        ctx.print.action('Kustomization diffing...');
        const objects = await build(ctx, kustomization, path.resolve(flags.path));
        let changes = 0;
        const built = new Set<string>();
        for (const object of objects) {
          built.add(inventoryId(identityOf(object)));
          changes += await diffObject(ctx, object);
        }
        const spec = (kustomization.spec ?? {}) as KustomizationSpec;
        if (spec.prune) {
          const inventory = (kustomization.status?.['inventory'] as { entries?: Array<{ id: string; v: string }> } | undefined)?.entries ?? [];
          for (const entry of inventory) {
            if (built.has(entry.id)) continue;
            ctx.print.data(`✗ ${displayId(parseInventoryId(entry.id, entry.v))} deleted\n`);
            changes++;
          }
        }
        if (changes > 0) {
          ctx.print.warning('identified at least one change, exiting with non-zero exit code');
          throw new ReportedFailure('changes found');
        }
        ctx.print.success('Kustomization diffing completed: no changes');
      }),
  );
  return diff;
}

/** Builds the directory as the reconciler would for this Kustomization: target namespace, substitutions, owner labels. */
async function build(ctx: CliContext, kustomization: FluxObject, dir: string): Promise<KubeObject[]> {
  const spec = (kustomization.spec ?? {}) as KustomizationSpec;
  let objects: JsonObject[] = buildResources(dir, { fs: new NodeFileSystem('/'), reorder: 'none' });
  if (spec.postBuild?.substitute) objects = substitute(objects, spec.postBuild.substitute);
  const result: KubeObject[] = [];
  for (const raw of objects) {
    const object = structuredClone(raw) as unknown as KubeObject;
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      throw new Error(`${dir}: an object without apiVersion, kind or metadata.name cannot be diffed`);
    }
    const namespaced = await ctx.kube().isNamespaced(object.apiVersion, object.kind);
    if (namespaced && spec.targetNamespace) object.metadata.namespace = spec.targetNamespace;
    // As kustomize-controller: a namespaced object needs a namespace from the build or from spec.targetNamespace.
    if (namespaced && !object.metadata.namespace) {
      throw new Error(`${object.kind}/${object.metadata.name} in ${dir}: namespace not specified (set it in the manifests or spec.targetNamespace of Kustomization ${kustomization.metadata.name})`);
    }
    object.metadata.labels = {
      ...object.metadata.labels,
      'kustomize.toolkit.fluxcd.io/name': kustomization.metadata.name,
      'kustomize.toolkit.fluxcd.io/namespace': kustomization.metadata.namespace ?? ctx.namespace,
    };
    result.push(object);
  }
  return result;
}

// The fields the server sets on every write say nothing about drift.
function comparable(object: KubeObject): Record<string, unknown> {
  const { managedFields: _m, resourceVersion: _r, generation: _g, uid: _u, creationTimestamp: _c, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object as KubeObject & { status?: unknown };
  return { ...rest, metadata };
}

async function diffObject(ctx: CliContext, object: KubeObject): Promise<number> {
  const id = displayId(identityOf(object));
  const live = await ctx.kube().get({ apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace });
  if (!live) {
    ctx.print.data(`✚ ${id} created\n`);
    return 1;
  }
  let merged: KubeObject;
  try {
    merged = await ctx.kube().apply(object, { fieldManager: RECONCILER_FIELD_MANAGER, force: true, dryRun: true });
  } catch (error) {
    throw new Error(`${id}: server-side dry run failed: ${error instanceof KubeApiError ? `${error.reason}: ` : ''}${error instanceof Error ? error.message : String(error)}`);
  }
  const before = comparable(live);
  const after = comparable(merged);
  if (isDeepStrictEqual(before, after)) return 0;
  ctx.print.data(`► ${id} drifted\n`);
  const secret = object.kind === 'Secret';
  // dyff's layout, as flux diff prints it: the path, what kind of change, then the old and new values.
  for (const change of changedFields(before, after)) {
    const show = (value: unknown) => (secret && /^(data|stringData)\b/.test(change.path) ? '*****' : JSON.stringify(value));
    const what = change.before === undefined ? '+ field added' : change.after === undefined ? '- field removed' : '± value change';
    ctx.print.data(`\n${change.path}\n  ${what}\n`);
    if (change.before !== undefined) ctx.print.data(`    - ${show(change.before)}\n`);
    if (change.after !== undefined) ctx.print.data(`    + ${show(change.after)}\n`);
  }
  ctx.print.data('\n');
  return 1;
}

interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** The leaf fields that differ, as dotted paths (`spec.replicas`, `spec.template.spec.containers.0.image`). */
export function changedFields(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isContainer = (value: unknown) => value !== null && typeof value === 'object';
  if (!isContainer(before) || !isContainer(after) || Array.isArray(before) !== Array.isArray(after)) {
    return [{ path: prefix || '.', before, after }];
  }
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => changedFields(left[key], right[key], prefix ? `${prefix}.${key}` : key));
}

