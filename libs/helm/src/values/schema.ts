import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import type { Chart, Values } from '../chart/chart';
import { HelmError, messageOf } from '../errors';
import { isTable } from './coalesce';

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** gojsonschema's field name of an ajv data path: `(root)`, `image.tag`, `hosts.0`. */
function fieldName(dataPath: string): string {
  const field = dataPath
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\['([^']*)'\]/g, '.$1')
    .replace(/^\./, '');
  return field === '' ? '(root)' : field;
}

/** One error line as Helm (gojsonschema) prints it. */
function describe(error: ErrorObject): string {
  const field = fieldName(error.dataPath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${field}: ${String(p['missingProperty']).replace(/^\./, '')} is required`;
    case 'type':
      return `${field}: Invalid type. Expected: ${String(p['type']).replace(/,/g, ', ')}, given: ${jsonType(error.data)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const more = error.keyword.endsWith('inimum') ? 'greater' : 'less';
      const orEqual = String(p['comparison']).includes('=') ? ' or equal to' : '';
      return `${field}: Must be ${more} than${orEqual} ${String(p['limit'])}`;
    }
    case 'enum':
      return `${field}: ${field} must be one of the following: ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${field}: Does not match pattern '${String(p['pattern'])}'`;
    case 'additionalProperties':
      return `${field}: Additional property ${String(p['additionalProperty'])} is not allowed`;
    case 'minLength':
      return `${field}: String length must be greater than or equal to ${String(p['limit'])}`;
    case 'maxLength':
      return `${field}: String length must be less than or equal to ${String(p['limit'])}`;
    case 'minItems':
      return `${field}: Array must have at least ${String(p['limit'])} items`;
    case 'maxItems':
      return `${field}: Array must have at most ${String(p['limit'])} items`;
    default:
      return `${field}: ${error.message ?? error.keyword}`;
  }
}

function schemaErrors(chart: Chart, values: Values): string[] {
  if (!chart.schema) return [];
  let schema: unknown;
  try {
    schema = JSON.parse(chart.schema.toString('utf8'));
  } catch (error) {
    throw new HelmError(`chart ${chart.metadata.name}: cannot parse values.schema.json: ${messageOf(error)}`);
  }
  if (!isTable(schema) && typeof schema !== 'boolean') {
    throw new HelmError(`chart ${chart.metadata.name}: values.schema.json is not a JSON Schema object`);
  }
  // ajv knows draft-07 only; charts name newer drafts too, whose common keywords it reads the same way
  const compiled = isTable(schema) ? { ...schema } : schema;
  if (isTable(compiled)) delete compiled['$schema'];
  const ajv = new Ajv({ allErrors: true, verbose: true, unknownFormats: 'ignore', schemaId: 'auto' });
  let validate;
  try {
    validate = ajv.compile(compiled as object);
  } catch (error) {
    throw new HelmError(`chart ${chart.metadata.name}: invalid values.schema.json: ${messageOf(error)}`);
  }
  // the schema sees the values as JSON (what Helm validates)
  if (validate(JSON.parse(JSON.stringify(values)))) return [];
  // gojsonschema checks a level's own keywords (required, type) before descending into its properties
  const depth = (e: ErrorObject): number => (e.dataPath.match(/[.[]/g) ?? []).length;
  return (validate.errors ?? [])
    .map((e, i) => ({ e, i }))
    .sort((a, b) => depth(a.e) - depth(b.e) || a.i - b.i)
    .map(({ e }) => describe(e));
}

function collect(chart: Chart, values: Values, report: string[]): void {
  const errors = schemaErrors(chart, values);
  if (errors.length > 0) report.push(`${chart.metadata.name}:\n${errors.map((e) => `- ${e}\n`).join('')}`);
  for (const sub of chart.dependencies) {
    const subValues = values[sub.metadata.name];
    if (isTable(subValues)) collect(sub, subValues, report);
  }
}

/**
 * Validates coalesced values against the chart's values.schema.json and each subchart's against its own
 * (under its name), as Helm does before rendering; throws one HelmError listing every violation in Helm's words.
 */
export function validateValues(chart: Chart, values: Values): void {
  const report: string[] = [];
  collect(chart, values, report);
  if (report.length > 0) {
    throw new HelmError(`values don't meet the specifications of the schema(s) in the following chart(s):\n${report.join('')}`);
  }
}
