import { stringify } from 'yaml';
import { parseFluxObject } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import type { z } from 'zod';
import { FIELD_MANAGER, type CliContext } from './cli-context';

/** Checks a generated object against its Flux schema, so bad flags fail before anything is printed or applied. */
export function validated<T extends KubeObject>(schema: z.ZodType, object: T): T {
  parseFluxObject(schema, object);
  return object;
}

/** YAML as `flux create --export` prints it (sigs.k8s.io/yaml): a leading `---`, keys in byte order, single-quoted strings. */
export function exportYaml(objects: KubeObject[]): string {
  return objects.map((object) => `---\n${stringify(object, { sortMapEntries: true, lineWidth: 0, indentSeq: false, singleQuote: true })}`).join('');
}

/** Server-side apply with the CLI's field manager, taking ownership as `flux create` does. */
export function applyObject<T extends KubeObject>(ctx: CliContext, object: KubeObject): Promise<T> {
  return ctx.kube().apply<T>(object, { fieldManager: FIELD_MANAGER, force: true });
}
