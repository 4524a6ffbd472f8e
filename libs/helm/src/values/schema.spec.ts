import type { Chart } from '../chart/chart';
import { loadChartFiles } from '../chart/load-chart';
import { coalesceValues } from './coalesce';
import { validateValues } from './schema';

// The schema of Helm's own tests (pkg/chartutil TestReadSchema), as JSON.
const schema = JSON.stringify({
  title: 'Values',
  type: 'object',
  properties: {
    firstname: { type: 'string' },
    lastname: { type: 'string' },
    likesCoffee: { type: 'boolean' },
    age: { type: 'integer', minimum: 0 },
    employmentInfo: { type: 'object', properties: { salary: { type: 'number', minimum: 0 }, title: { type: 'string' } }, required: ['salary'] },
    addresses: { type: 'array', items: { type: 'object', properties: { city: { type: 'string' }, number: { type: 'number' } } } },
  },
  required: ['firstname', 'lastname', 'addresses', 'employmentInfo'],
});

function chart(name: string, files: Record<string, string>, dependencies: Chart[] = []): Chart {
  return { ...loadChartFiles({ 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`, ...files }), dependencies };
}

describe('validateValues', () => {
  const empty = chart('empty', { 'values.schema.json': schema });
  const valid = { firstname: 'John', lastname: 'Doe', age: 25, employmentInfo: { salary: 100000 }, addresses: [{ city: 'Springfield', number: 12345 }] };

  it('accepts values that meet the schema', () => {
    expect(() => validateValues(empty, valid)).not.toThrow();
  });

  it("reports violations in Helm's words (its schema-negative golden output)", () => {
    const { employmentInfo: _dropped, ...rest } = valid;
    expect(() => validateValues(empty, { ...rest, age: -5 })).toThrow(
      "values don't meet the specifications of the schema(s) in the following chart(s):\nempty:\n" +
        '- (root): employmentInfo is required\n- age: Must be greater than or equal to 0\n',
    );
  });

  it('names nested fields and types', () => {
    expect(() => validateValues(empty, { ...valid, age: 'old', addresses: [{ city: 7 }] })).toThrow(
      '- age: Invalid type. Expected: integer, given: string\n- addresses.0.city: Invalid type. Expected: string, given: integer\n',
    );
  });

  it("validates each subchart's values against its own schema", () => {
    const sub = chart('sub', { 'values.schema.json': '{"properties":{"port":{"type":"integer","maximum":65535}}}', 'values.yaml': 'port: 80\n' });
    const parent = chart('parent', {}, [sub]);
    expect(() => validateValues(parent, coalesceValues(parent, {}))).not.toThrow();
    expect(() => validateValues(parent, coalesceValues(parent, { sub: { port: 70000 } }))).toThrow('sub:\n- port: Must be less than or equal to 65535\n');
  });

  it('names the chart whose schema is not JSON', () => {
    expect(() => validateValues(chart('broken', { 'values.schema.json': '{' }), {})).toThrow('chart broken: cannot parse values.schema.json');
  });
});
