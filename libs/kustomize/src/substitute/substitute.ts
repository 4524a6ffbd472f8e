import { emitYaml, type JsonObject } from '../yaml/emit';
import { parseYamlStream } from '../yaml/parse';
import { isObject } from '../resource/resource';
import { KustomizeError } from '../errors';

/** Options of Flux's postBuild substitution. */
export interface SubstituteOptions {
  /** Fail on a variable that is unset and has no default (Flux's `--feature-gates=StrictPostBuildSubstitutions`). */
  strict?: boolean;
}

const DISABLED_KEY = 'kustomize.toolkit.fluxcd.io/substitute';
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

function disabled(obj: JsonObject): boolean {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
  for (const f of ['annotations', 'labels']) {
    const m = meta[f];
    if (isObject(m) && m[DISABLED_KEY] === 'disabled') return true;
  }
  return false;
}

/** Expands `${var}`, `${var:=default}` / `${var:-default}` in text; `$${…}` escapes to a literal `${…}`. */
export function expand(text: string, vars: Readonly<Record<string, string>>, opts: SubstituteOptions = {}): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('$', i);
    if (j < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, j);
    if (text.startsWith('$${', j)) {
      const end = text.indexOf('}', j);
      if (end < 0) {
        out += text.slice(j);
        break;
      }
      out += text.slice(j + 1, end + 1);
      i = end + 1;
      continue;
    }
    if (text[j + 1] !== '{') {
      out += '$';
      i = j + 1;
      continue;
    }
    const end = text.indexOf('}', j);
    if (end < 0) {
      out += text.slice(j);
      break;
    }
    const body = text.slice(j + 2, end);
    const m = body.match(/^([^:=\-}]*)(?::?[=-](.*))?$/s);
    const name = m?.[1] ?? body;
    const def = m?.[2];
    if (!NAME.test(name)) throw new KustomizeError(`variable name '${name}' is not valid (\${${body}})`);
    const v = vars[name];
    if (v !== undefined && (v !== '' || def === undefined)) out += v;
    else if (def !== undefined) out += def;
    else if (opts.strict) throw new KustomizeError(`variable not set (strict mode): "${name}"`);
    i = end + 1;
  }
  return out;
}

/**
 * Flux's postBuild step: substitutes variables in every object not annotated (or labelled)
 * `kustomize.toolkit.fluxcd.io/substitute: disabled`. The caller resolves `substitute` and
 * `substituteFrom` into `vars` (later sources win, as in Flux).
 */
export function substitute(objects: readonly JsonObject[], vars: Readonly<Record<string, string>>, opts: SubstituteOptions = {}): JsonObject[] {
  for (const k of Object.keys(vars)) {
    if (!NAME.test(k)) throw new KustomizeError(`'${k}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`);
  }
  return objects.map((obj) => {
    if (disabled(obj)) return obj;
    const text = emitYaml(obj);
    if (!text.includes('${')) return obj;
    const docs = parseYamlStream(expand(text, vars, opts), 'substituted object');
    const first = docs[0];
    if (!isObject(first)) throw new KustomizeError('substitution produced an empty or invalid object');
    return first;
  });
}
