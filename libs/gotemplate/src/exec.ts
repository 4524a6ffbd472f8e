import {
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  Node,
  nodeString,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from './ast';
import { formatValue, goTypeName, isPlainObject, isTrue, kindOf, mapGet, mapKeys } from './values';
import { goQuote } from './lexer';
import { TemplateError } from './template-error';
import { arityOf, isBuiltin } from './arity';
import { ArgumentTypeError } from './go-args';

/** A template function as the executor calls it. */
export type ExecFunction = (...args: unknown[]) => unknown;

/** The namespace an execution runs in: named trees, functions and the missingkey option. */
export interface ExecNamespace {
  trees: ReadonlyMap<string, Tree>;
  findFunction(name: string): ExecFunction | undefined;
  missingKey: 'default' | 'zero' | 'error';
}

/**
 * Go allows 100000 nested {{template}} calls; a JavaScript stack holds far fewer of this recursive walk, so
 * the limit is lower (a chart never nests templates this deep).
 */
const MAX_EXEC_DEPTH = 1000;
/** Go's missingVal: "no final value from the previous pipeline stage". */
const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

interface Variable {
  name: string;
  value: unknown;
}

/** Executes template `name` of the namespace with `data` as dot and `$`. */
export function executeTree(ns: ExecNamespace, name: string, data: unknown): string {
  const tree = ns.trees.get(name);
  const state = new ExecState(ns, name, [], [{ name: '$', value: data }], 0);
  if (!tree) return state.errorf(`${goQuote(name)} is an incomplete or empty template`);
  activeExecutions++;
  try {
    state.walk(data, tree.root);
  } catch (e) {
    // Unbounded recursion through a function (an include of itself) ends in a stack overflow; the outermost
    // execution reports it once as a template error.
    if (activeExecutions === 1 && isStackOverflow(e)) {
      throw new TemplateError(`template: ${name}: exceeded the call stack: a template includes itself without end`);
    }
    throw e;
  } finally {
    activeExecutions--;
  }
  return state.out.join('');
}

/** Executions in progress, counting re-entrant ones started from functions during an execution. */
let activeExecutions = 0;

/**
 * V8's stack overflow. Operators only: near the stack limit any further call (a regex test, a string method) would
 * overflow again.
 */
function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message === 'Maximum call stack size exceeded';
}

class ExecState {
  private node: Node | null = null;

  constructor(
    private readonly ns: ExecNamespace,
    private readonly name: string,
    readonly out: string[],
    private vars: Variable[],
    private readonly depth: number,
  ) {}

  private at(node: Node): void {
    this.node = node;
  }

  errorf(message: string): never {
    if (!this.node) throw new TemplateError(`template: ${this.name}: ${message}`);
    const location = errorLocation(this.node);
    throw new TemplateError(
      `template: ${location}: executing ${goQuote(this.name)} at <${nodeString(this.node)}>: ${message}`,
    );
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'text':
        this.out.push(node.text);
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private printValue(node: Node, value: unknown): void {
    this.at(node);
    if (value === undefined || value === null) {
      this.out.push('<no value>');
      return;
    }
    if (typeof value === 'string') {
      this.out.push(value);
      return;
    }
    if (typeof value === 'function') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    this.out.push(formatValue(value));
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.mark();
    try {
      const value = this.evalPipeline(dot, node.pipe);
      if (isTrue(value)) this.walk(node.kind === 'with' ? value : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const outer = this.mark();
    try {
      const value = this.evalPipeline(dot, node.pipe);
      const mark = this.mark();
      const declared = node.pipe.decl.length;
      // Returns false when the body executed {{break}}.
      const oneIteration = (index: unknown, elem: unknown): boolean => {
        if (declared > 0) this.setTopVar(1, elem);
        if (declared > 1) this.setTopVar(2, index);
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
        return true;
      };
      let ran = false;
      switch (kindOf(value)) {
        case 'slice': {
          const items = value as unknown[];
          for (let i = 0; i < items.length; i++) {
            ran = true;
            if (!oneIteration(BigInt(i), items[i])) break;
          }
          break;
        }
        case 'bytes': {
          const items = value as Uint8Array;
          for (let i = 0; i < items.length; i++) {
            ran = true;
            if (!oneIteration(BigInt(i), BigInt(items[i] ?? 0))) break;
          }
          break;
        }
        case 'map': {
          const m = value as Record<string, unknown>;
          for (const key of mapKeys(m)) {
            ran = true;
            if (!oneIteration(key, mapGet(m, key))) break;
          }
          break;
        }
        case 'int': {
          if (declared > 1) {
            this.at(node);
            this.errorf(`can't use ${formatValue(value)} to iterate over more than one variable`);
          }
          for (let i = 0n; i < (value as bigint); i++) {
            ran = true;
            if (!oneIteration(i, i)) break;
          }
          break;
        }
        case 'invalid':
        case 'nil':
          break;
        default:
          this.at(node);
          this.errorf(`range can't iterate over ${formatValue(value)}`);
      }
      if (!ran && node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: unknown, node: TemplateNode): void {
    this.at(node);
    const tree = this.ns.trees.get(node.name);
    if (!tree) this.errorf(`template ${goQuote(node.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const value = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const inner = new ExecState(this.ns, node.name, this.out, [{ name: '$', value }], this.depth + 1);
    inner.walk(value, tree.root);
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go unwraps interface values after each stage: a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      const name = v.ident[0] ?? '';
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private notAFunction(args: Node[], final: Final): void {
    const first = args[0];
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${first ? nodeString(first) : ''}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    if (!first) this.errorf('empty command');
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through: errorf never returns
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
      default:
        this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
    }
  }

  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    if (typeof n.value === 'bigint' && (n.value > 0x7fffffffffffffffn || n.value < -0x8000000000000000n)) {
      this.errorf(`${n.text} overflows int`);
    }
    return n.value;
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: Node[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: Node[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, variable: VariableNode, args: Node[], final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: string[],
    args: Node[] | null,
    final: Final,
  ): unknown {
    const n = ident.length;
    let value = receiver;
    for (let i = 0; i < n - 1; i++) value = this.evalField(dot, ident[i] ?? '', node, null, MISSING, value, i > 0);
    return this.evalField(dot, ident[n - 1] ?? '', node, args, final, value, n > 1);
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: unknown,
    fromInterface: boolean,
  ): unknown {
    if (receiver === undefined) {
      if (this.ns.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const kind = kindOf(receiver);
    if (kind === 'map') {
      const m = receiver as Record<string, unknown>;
      let result = mapGet(m, fieldName);
      if (typeof result === 'function' && (hasArgs || !isPlainObject(m))) {
        return this.evalCall(dot, result as ExecFunction, receiver, node, fieldName, args, final);
      }
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (result === undefined) {
        if (this.ns.missingKey === 'zero') result = null;
        else if (this.ns.missingKey === 'error') this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
      }
      return result;
    }
    if (kind === 'struct' && fieldName in (receiver as object)) {
      const member = (receiver as Record<string, unknown>)[fieldName];
      if (typeof member === 'function') {
        return this.evalCall(dot, member as ExecFunction, receiver, node, fieldName, args, final);
      }
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return member;
    }
    const typ = fromInterface ? 'interface {}' : goTypeName(receiver);
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: Node, args: Node[], final: Final): unknown {
    this.at(node);
    const fn = this.ns.findFunction(node.ident);
    if (!fn) this.errorf(`${goQuote(node.ident)} is not a defined function`);
    return this.evalCall(dot, fn, undefined, cmd, node.ident, args, final);
  }

  private evalCall(
    dot: unknown,
    fn: ExecFunction,
    receiver: unknown,
    node: Node,
    name: string,
    allArgs: Node[] | null,
    final: Final,
  ): unknown {
    const args = allArgs ? allArgs.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const arity = arityOf(fn);
    if (arity.variadic) {
      if (numIn < arity.min) this.errorf(`wrong number of args for ${name}: want at least ${arity.min} got ${args.length}`);
    } else if (numIn !== arity.min) {
      this.errorf(`wrong number of args for ${name}: want ${arity.min} got ${numIn}`);
    }
    if (isBuiltin(fn) && (name === 'and' || name === 'or')) return this.andOr(dot, name, args, final);
    const argv: unknown[] = [];
    for (const arg of args) argv.push(this.evalArg(dot, arg));
    if (final !== MISSING) argv.push(final);
    try {
      return fn.apply(receiver, argv);
    } catch (e) {
      // Like Go, an error from a nested execution (Helm's include) is wrapped too: both locations are reported.
      if (isStackOverflow(e)) throw e;
      if (e instanceof ArgumentTypeError) this.errorf(e.message);
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Builtin and/or short-circuit: later operands are not evaluated once the result is known. */
  private andOr(dot: unknown, name: string, args: Node[], final: Final): unknown {
    let v: unknown;
    for (const arg of args) {
      v = this.evalArg(dot, arg);
      if (isTrue(v) === (name === 'or')) return v;
    }
    if (final !== MISSING) v = final;
    return v;
  }

  private evalArg(dot: unknown, n: Node): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldNode(dot, n, [n], MISSING);
      case 'variable':
        return this.evalVariableNode(dot, n, [], MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(dot, n, n, [n], MISSING);
      case 'chain':
        return this.evalChainNode(dot, n, [], MISSING);
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      default:
        this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
    }
  }
}

/** Go's Tree.ErrorContext location: `<parse name>:<line>:<byte column>`. */
function errorLocation(node: Node): string {
  const text = node.tree.text.slice(0, node.pos);
  const lastNewline = text.lastIndexOf('\n');
  const lineStart = lastNewline + 1;
  const column = Buffer.byteLength(text.slice(lineStart), 'utf8');
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
  return `${node.tree.parseName}:${line}:${column}`;
}
