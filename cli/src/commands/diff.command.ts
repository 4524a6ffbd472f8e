import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Command } from 'commander';
import { displayId, identityOf, inventoryId, KubeApiError, parseInventoryId, readSubstituteVariables, type KubeObject } from '@ferry/kube';
import { kustomizationSchema, RECONCILER_FIELD_MANAGER, type Kustomization } from '@ferry/contracts';
import { buildFluxKustomization, NodeFileSystem } from '@ferry/kustomize';
import { CliContext, type CliEnvironment } from '../shared/cli-context';
import { getOrFail, KUSTOMIZATION, type FluxObject } from '../shared/flux-kinds';
import { ReportedFailure } from '../shared/output';


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
        if (kustomization.spec?.['prune'] === true) {
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

/**
 * Builds the directory as the reconciler builds the Kustomization's path (the same code: generated
 * kustomization, spec overlay, postBuild substitute and substituteFrom read from the cluster, owner labels).
 */
async function build(ctx: CliContext, object: FluxObject, dir: string): Promise<KubeObject[]> {
  const parsed = kustomizationSchema.safeParse(object);
  if (!parsed.success) throw new Error(`Kustomization ${object.metadata.name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const kustomization: Kustomization = parsed.data;
  const root = realpathSync(dir);
  const namespace = kustomization.metadata.namespace ?? ctx.namespace;
  const variables = await readSubstituteVariables(ctx.kube(), namespace, kustomization.spec.postBuild?.substituteFrom ?? []);
  const objects = buildFluxKustomization(
    { ...kustomization.spec, path: './' },
    { root, fs: new NodeFileSystem(root), owner: { name: kustomization.metadata.name, namespace }, variables },
  ) as unknown as KubeObject[];
  for (const built of objects) {
    if (!built.apiVersion || !built.kind || !built.metadata?.name) {
      throw new Error(`${dir}: an object without apiVersion, kind or metadata.name cannot be diffed`);
    }
    // As kustomize-controller: a namespaced object needs a namespace from the build or from spec.targetNamespace.
    if (!built.metadata.namespace && (await ctx.kube().isNamespaced(built.apiVersion, built.kind))) {
      throw new Error(`${built.kind}/${built.metadata.name} in ${dir}: namespace not specified (set it in the manifests or spec.targetNamespace of Kustomization ${kustomization.metadata.name})`);
    }
  }
  return objects;
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

