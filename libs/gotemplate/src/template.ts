import { isEmptyTree, Tree } from './ast';
import { builtinFunctions } from './builtins';
import { ExecFunction, executeTree } from './exec';
import { goQuote } from './lexer';
import { parseTemplates } from './parser';
import { TemplateError } from './template-error';

/** A Go value as the engine sees it: string, number (float64), bigint (int), boolean, null/undefined (nil), Array, plain object or Map, function. */
export type GoValue = unknown;
/** A template function; Go's (value, error) results map to return/throw. */
export type TemplateFunction = (...args: GoValue[]) => GoValue;
/** Functions by the name templates call them with. */
export type FuncMap = Record<string, TemplateFunction>;
/** Go's template options: `missingkey=…` and `Delims`. */
export interface TemplateOptions {
  missingKey?: 'default' | 'zero' | 'error';
  delims?: { left: string; right: string };
}

interface Namespace {
  trees: Map<string, Tree>;
  funcs: Map<string, ExecFunction>;
}

/** A namespace of associated templates, like Go's *template.Template. */
export class Template {
  private ns: Namespace = { trees: new Map(), funcs: new Map() };

  constructor(
    readonly name: string,
    private readonly options: TemplateOptions = {},
  ) {}

  /** Adds or overrides functions; like Go, they must be added before a parse that uses them. */
  funcs(map: FuncMap): this {
    for (const [name, fn] of Object.entries(map)) {
      if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) throw new TemplateError(`function name ${goQuote(name)} is not a valid identifier`);
      if (typeof fn !== 'function') throw new TemplateError(`value for ${name} not a function`);
      this.ns.funcs.set(name, fn);
    }
    return this;
  }

  /** Parses `text` as template `name` (default: this template's name); its {{define}}s join the namespace. */
  parse(text: string, name: string = this.name): this {
    const delims = this.options.delims;
    const trees = parseTemplates(name, text, {
      hasFunction: (fn) => this.ns.funcs.has(fn) || builtinFunctions.has(fn),
      leftDelim: delims?.left || '{{',
      rightDelim: delims?.right || '}}',
    });
    for (const [treeName, tree] of trees) {
      const existing = this.ns.trees.get(treeName);
      // Go's associate: an empty (whitespace/comment-only) body never replaces an existing definition.
      if (existing && isEmptyTree(tree.root)) continue;
      this.ns.trees.set(treeName, tree);
    }
    return this;
  }

  /** True when a template of that name has been parsed into the namespace. */
  has(name: string): boolean {
    return this.ns.trees.has(name);
  }

  /** The names of all templates of the namespace, sorted. */
  names(): string[] {
    return [...this.ns.trees.keys()].sort();
  }

  /** Executes this template with `data` as dot. */
  execute(data: GoValue): string {
    return executeTree(this.execNamespace(), this.name, data);
  }

  /** Executes template `name`; re-entrant, so a function may call it during an execution (Helm's `include`). */
  executeTemplate(name: string, data: GoValue): string {
    if (!this.ns.trees.has(name)) {
      throw new TemplateError(`template: no template ${goQuote(name)} associated with template ${goQuote(this.name)}`);
    }
    return executeTree(this.execNamespace(), name, data);
  }

  /** An independent copy of the namespace: later parses and funcs on either side do not affect the other. */
  clone(): Template {
    const copy = new Template(this.name, { ...this.options });
    // Trees are immutable once parsed, so the copy shares them; only the name → tree maps are copied.
    copy.ns = { trees: new Map(this.ns.trees), funcs: new Map(this.ns.funcs) };
    return copy;
  }

  private execNamespace(): Parameters<typeof executeTree>[0] {
    return {
      trees: this.ns.trees,
      findFunction: (fn) => this.ns.funcs.get(fn) ?? builtinFunctions.get(fn),
      missingKey: this.options.missingKey ?? 'default',
    };
  }
}
