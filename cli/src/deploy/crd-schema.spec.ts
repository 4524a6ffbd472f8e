import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fluxCustomResourceDefinitions } from '@ferry/contracts';

const ROOT = join(__dirname, '..', '..', '..');

type Schema = Record<string, unknown>;
type Version = { name: string; served: boolean; storage: boolean; subresources?: { status?: unknown }; additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string }>; schema: { openAPIV3Schema: Schema } };
type Crd = { metadata: { name: string }; spec: { group: string; names: { kind: string; plural: string }; versions: Version[] } };

const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'];
// apiextensions.k8s.io/v1 JSONSchemaProps: any other key ($ref, const, $schema, definitions) is rejected by the API server.
const KNOWN_KEYS = new Set([
  'type', 'format', 'title', 'description', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties',
  'nullable', 'example', 'externalDocs',
]);
const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'];
// Kubernetes' structural-schema rule: inside a logical junctor only value validations are allowed.
const FORBIDDEN_IN_JUNCTOR = ['type', 'description', 'default', 'additionalProperties', 'nullable'];

/** Every violation of Kubernetes' structural-schema rules under `schema`, as `path: problem`. */
function structuralProblems(schema: Schema, path: string, inJunctor = false): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYS.has(key) && !key.startsWith('x-kubernetes-')) problems.push(`${path}: unknown key "${key}"`);
  }
  const untypedAllowed = schema['x-kubernetes-int-or-string'] === true || schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (inJunctor) {
    for (const key of FORBIDDEN_IN_JUNCTOR) if (key in schema) problems.push(`${path}: "${key}" inside a logical junctor`);
  } else if (!untypedAllowed && !TYPES.includes(schema['type'] as string)) {
    problems.push(`${path}: no type`);
  }
  if (schema['properties'] && schema['additionalProperties'] !== undefined) problems.push(`${path}: both properties and additionalProperties`);
  if (schema['type'] === 'array' && (typeof schema['items'] !== 'object' || Array.isArray(schema['items']))) problems.push(`${path}: array without one items schema`);
  for (const [name, child] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
    problems.push(...structuralProblems(child, `${path}.${name}`, inJunctor));
  }
  if (schema['items'] && typeof schema['items'] === 'object') problems.push(...structuralProblems(schema['items'] as Schema, `${path}[]`, inJunctor));
  if (schema['additionalProperties'] && typeof schema['additionalProperties'] === 'object') {
    problems.push(...structuralProblems(schema['additionalProperties'] as Schema, `${path}{}`, inJunctor));
  }
  for (const junctor of JUNCTORS) {
    const branches = schema[junctor];
    if (branches === undefined) continue;
    for (const [index, branch] of (Array.isArray(branches) ? branches : [branches]).entries()) {
      problems.push(...structuralProblems(branch as Schema, `${path}/${junctor}[${index}]`, true));
    }
  }
  return problems;
}

const committed = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'crds.yaml'), 'utf8')).map((doc) => doc.toJS() as Crd);

describe('deploy/crds.yaml', () => {
  it('holds exactly the CRDs of every Flux API Ferry serves', () => {
    expect(committed.map((crd) => crd.metadata.name)).toEqual(fluxCustomResourceDefinitions().map((crd) => crd.metadata.name));
    expect(committed.map((crd) => crd.metadata.name)).toEqual([
      'gitrepositories.source.toolkit.fluxcd.io',
      'kustomizations.kustomize.toolkit.fluxcd.io',
      'helmrepositories.source.toolkit.fluxcd.io',
      'helmcharts.source.toolkit.fluxcd.io',
      'helmreleases.helm.toolkit.fluxcd.io',
      'providers.notification.toolkit.fluxcd.io',
      'alerts.notification.toolkit.fluxcd.io',
      'receivers.notification.toolkit.fluxcd.io',
    ]);
  });

  it.each(committed.map((crd) => [crd.metadata.name, crd] as const))('%s has a structural schema (every property typed)', (_name, crd) => {
    for (const version of crd.spec.versions) {
      const root = version.schema.openAPIV3Schema;
      expect(structuralProblems(root, `${crd.metadata.name}/${version.name}`)).toEqual([]);
      expect(Object.keys(root['properties'] as Schema)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec', 'status']));
    }
  });

  it.each(committed.map((crd) => [crd.metadata.name, crd] as const))('%s serves one storage version with a status subresource and Flux printer columns', (_name, crd) => {
    expect(crd.spec.versions.filter((version) => version.storage)).toHaveLength(1);
    for (const version of crd.spec.versions) {
      expect(version.served).toBe(true);
      expect(version.subresources?.status).toEqual({});
      const columns = version.additionalPrinterColumns ?? [];
      expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(['Age', 'Ready', 'Status']));
      expect(columns.find((column) => column.name === 'Ready')).toMatchObject({ type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' });
      for (const column of columns) expect(column.jsonPath).toMatch(/^\./);
    }
  });

  it('finds an untyped property, a $ref and a typed junctor branch (the check can fail)', () => {
    const bad: Schema = {
      type: 'object',
      properties: { a: {}, b: { $ref: '#/x', type: 'string' }, c: { type: 'string', anyOf: [{ type: 'string' }] } },
    };
    expect(structuralProblems(bad, 'bad')).toEqual(['bad.a: no type', 'bad.b: unknown key "$ref"', 'bad.c/anyOf[0]: "type" inside a logical junctor']);
  });
});
