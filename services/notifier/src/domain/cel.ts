// A subset of Google's Common Expression Language for Receivers' `spec.resourceFilter`, with cel-go's
// semantics where they meet: ints (bigint) apart from doubles (JSON numbers), errors absorbed by && and || when
// the other side decides, `has()` and the comprehension macros, the string and list extensions Flux enables
// (split, lowerAscii, first/last as optionals). Anything else is refused when the Receiver is read.

/** A syntax error, an undeclared name or function, or an error while evaluating; the message says which. */
export class CelError extends Error {
  override readonly name = 'CelError';
}

/** An optional value (cel-go's optional types), as `first()` and `last()` return. */
export class CelOptional {
  constructor(readonly present: boolean, readonly inner?: CelValue) {}
}

/** A value an expression works on: JSON values, ints as bigint, and optionals. */
export type CelValue = null | boolean | bigint | number | string | CelValue[] | { [key: string]: CelValue } | CelOptional;

type Node =
  | { k: 'lit'; v: CelValue }
  | { k: 'id'; name: string }
  | { k: 'sel'; target: Node; field: string }
  | { k: 'idx'; target: Node; index: Node }
  | { k: 'call'; fn: string; target: Node | undefined; args: Node[] }
  | { k: 'has'; target: Node; field: string }
  | { k: 'comp'; macro: string; target: Node; variable: string; body: Node }
  | { k: 'list'; items: Node[] }
  | { k: 'map'; entries: [Node, Node][] }
  | { k: 'un'; op: string; arg: Node }
  | { k: 'bin'; op: string; left: Node; right: Node }
  | { k: 'cond'; test: Node; then: Node; otherwise: Node };

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const GLOBAL_FUNCTIONS = new Set(['size', 'int', 'double', 'string', 'matches']);
const METHODS = new Set(['size', 'startsWith', 'endsWith', 'contains', 'matches', 'lowerAscii', 'upperAscii', 'trim', 'split', 'join', 'first', 'last', 'value', 'hasValue', 'orValue']);

interface Token {
  kind: 'num' | 'str' | 'id' | 'op' | 'end';
  text: string;
  value?: CelValue;
  at: number;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^(0x[0-9a-fA-F]+u?|\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+u?)/.exec(rest);
    if (number) {
      const text = number[0];
      const integer = !/[.eE]/.test(text) || text.startsWith('0x');
      const digits = text.replace(/u$/, '');
      tokens.push({ kind: 'num', text, value: integer ? BigInt(digits) : Number(digits), at: i });
      i += text.length;
      continue;
    }
    const quote = /^([rR]?)('''|"""|'|")/.exec(rest);
    if (quote) {
      const raw = quote[1] !== '';
      const delimiter = quote[2] as string;
      let j = i + quote[0].length;
      let value = '';
      for (;;) {
        if (j >= source.length) throw new CelError(`unterminated string at position ${i}`);
        if (source.startsWith(delimiter, j)) break;
        const char = source[j] as string;
        if (char === '\n' && delimiter.length === 1) throw new CelError(`unterminated string at position ${i}`);
        if (char === '\\' && !raw) {
          const next = source[j + 1] ?? '';
          if (next === 'u' || next === 'x') {
            const length = next === 'u' ? 4 : 2;
            const hex = source.slice(j + 2, j + 2 + length);
            if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new CelError(`invalid escape at position ${j}`);
            value += String.fromCharCode(parseInt(hex, 16));
            j += 2 + length;
            continue;
          }
          const escaped = ESCAPES[next];
          if (escaped === undefined) throw new CelError(`invalid escape "\\${next}" at position ${j}`);
          value += escaped;
          j += 2;
          continue;
        }
        value += char;
        j++;
      }
      tokens.push({ kind: 'str', text: source.slice(i, j + delimiter.length), value, at: i });
      i = j + delimiter.length;
      continue;
    }
    const identifier = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (identifier) {
      tokens.push({ kind: 'id', text: identifier[0], at: i });
      i += identifier[0].length;
      continue;
    }
    const operator = /^(==|!=|<=|>=|&&|\|\||[!<>+\-*/%?:.,()[\]{}])/.exec(rest);
    if (!operator) throw new CelError(`unexpected character "${rest[0] ?? ''}" at position ${i}`);
    tokens.push({ kind: 'op', text: operator[0], at: i });
    i += operator[0].length;
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression();
    const next = this.peek();
    if (next.kind !== 'end') throw new CelError(`unexpected "${next.text}" at position ${next.at}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private take(): Token {
    return this.tokens[this.position++] as Token;
  }

  private accept(text: string): boolean {
    const next = this.peek();
    if ((next.kind === 'op' || next.kind === 'id') && next.text === text) {
      this.position++;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    const next = this.peek();
    if (!this.accept(text)) throw new CelError(`expected "${text}" at position ${next.at}, found "${next.text || 'end of expression'}"`);
  }

  private expression(): Node {
    const test = this.binary(0);
    if (!this.accept('?')) return test;
    const then = this.binary(0);
    this.expect(':');
    return { k: 'cond', test, then, otherwise: this.expression() };
  }

  private static readonly LEVELS = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Node {
    const operators = Parser.LEVELS[level];
    if (!operators) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const next = this.peek();
      if ((next.kind !== 'op' && next.kind !== 'id') || !operators.includes(next.text)) return left;
      this.position++;
      // Relations do not chain in CEL's grammar beyond left association; the other levels associate left too.
      left = { k: 'bin', op: next.text, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    if (this.accept('!')) return { k: 'un', op: '!', arg: this.unary() };
    if (this.accept('-')) {
      const next = this.peek();
      if (next.kind === 'num') {
        this.position++;
        return this.member({ k: 'lit', v: typeof next.value === 'bigint' ? -next.value : -(next.value as number) });
      }
      return { k: 'un', op: '-', arg: this.unary() };
    }
    return this.member(this.primary());
  }

  private member(start: Node): Node {
    let node = start;
    for (;;) {
      if (this.accept('.')) {
        const name = this.take();
        if (name.kind !== 'id') throw new CelError(`expected a field or method name at position ${name.at}`);
        if (this.accept('(')) {
          const args = this.arguments();
          if (MACROS.has(name.text) && args.length === 2) {
            const variable = args[0];
            if (variable?.k !== 'id') throw new CelError(`${name.text}() needs a variable name as its first argument`);
            node = { k: 'comp', macro: name.text, target: node, variable: variable.name, body: args[1] as Node };
          } else {
            if (!METHODS.has(name.text)) throw new CelError(`undeclared reference to '${name.text}'`);
            node = { k: 'call', fn: name.text, target: node, args };
          }
        } else node = { k: 'sel', target: node, field: name.text };
      } else if (this.accept('[')) {
        const index = this.expression();
        this.expect(']');
        node = { k: 'idx', target: node, index };
      } else return node;
    }
  }

  private arguments(): Node[] {
    const args: Node[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): Node {
    const token = this.take();
    if (token.kind === 'num' || token.kind === 'str') return { k: 'lit', v: token.value as CelValue };
    if (token.kind === 'id') {
      if (token.text === 'true' || token.text === 'false') return { k: 'lit', v: token.text === 'true' };
      if (token.text === 'null') return { k: 'lit', v: null };
      if (this.accept('(')) {
        const args = this.arguments();
        if (token.text === 'has') {
          const target = args[0];
          if (args.length !== 1 || target?.k !== 'sel') throw new CelError('has() needs one field selection, such as has(res.metadata.labels)');
          return { k: 'has', target: target.target, field: target.field };
        }
        if (!GLOBAL_FUNCTIONS.has(token.text)) throw new CelError(`undeclared reference to '${token.text}'`);
        return { k: 'call', fn: token.text, target: undefined, args };
      }
      return { k: 'id', name: token.text };
    }
    if (token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Node[] = [];
      while (!this.accept(']')) {
        items.push(this.expression());
        if (!this.accept(',')) {
          this.expect(']');
          break;
        }
      }
      return { k: 'list', items };
    }
    if (token.text === '{') {
      const entries: [Node, Node][] = [];
      while (!this.accept('}')) {
        const key = this.expression();
        this.expect(':');
        entries.push([key, this.expression()]);
        if (!this.accept(',')) {
          this.expect('}');
          break;
        }
      }
      return { k: 'map', entries };
    }
    throw new CelError(`unexpected "${token.text || 'end of expression'}" at position ${token.at}`);
  }
}

// Names must be the declared variables or a comprehension's own: cel-go refuses others when compiling.
function checkNames(node: Node, scope: ReadonlySet<string>): void {
  switch (node.k) {
    case 'id':
      if (!scope.has(node.name)) throw new CelError(`undeclared reference to '${node.name}'`);
      return;
    case 'lit':
      return;
    case 'sel':
    case 'has':
      return checkNames(node.target, scope);
    case 'idx':
      checkNames(node.target, scope);
      return checkNames(node.index, scope);
    case 'call':
      if (node.target) checkNames(node.target, scope);
      return node.args.forEach((arg) => checkNames(arg, scope));
    case 'comp':
      checkNames(node.target, scope);
      return checkNames(node.body, new Set([...scope, node.variable]));
    case 'list':
      return node.items.forEach((item) => checkNames(item, scope));
    case 'map':
      return node.entries.forEach(([key, value]) => (checkNames(key, scope), checkNames(value, scope)));
    case 'un':
      return checkNames(node.arg, scope);
    case 'bin':
      checkNames(node.left, scope);
      return checkNames(node.right, scope);
    case 'cond':
      checkNames(node.test, scope);
      checkNames(node.then, scope);
      return checkNames(node.otherwise, scope);
  }
}

const typeName = (value: CelValue): string =>
  value === null
    ? 'null_type'
    : typeof value === 'bigint'
      ? 'int'
      : typeof value === 'number'
        ? 'double'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value === 'string'
            ? 'string'
            : Array.isArray(value)
              ? 'list'
              : value instanceof CelOptional
                ? 'optional'
                : 'map';

const isMap = (value: CelValue): value is { [key: string]: CelValue } => typeName(value) === 'map';
const isNumber = (value: CelValue): value is bigint | number => typeof value === 'bigint' || typeof value === 'number';

function equal(a: CelValue, b: CelValue): boolean {
  if (isNumber(a) && isNumber(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i] as CelValue));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key] as CelValue, b[key] as CelValue));
  }
  return a === b;
}

function noOverload(op: string, ...values: CelValue[]): CelError {
  return new CelError(`no such overload: ${op}(${values.map(typeName).join(', ')})`);
}

function arithmetic(op: string, a: CelValue, b: CelValue): CelValue {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if ((op === '/' || op === '%') && b === 0n) throw new CelError(op === '/' ? 'division by zero' : 'modulus by zero');
    return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
  }
  if (typeof a === 'number' && typeof b === 'number' && op !== '%') return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  throw noOverload(op, a, b);
}

function compare(op: string, a: CelValue, b: CelValue): boolean {
  let order: number;
  if (isNumber(a) && isNumber(b)) order = Number(a) - Number(b);
  else if (typeof a === 'string' && typeof b === 'string') order = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'boolean' && typeof b === 'boolean') order = Number(a) - Number(b);
  else throw noOverload(op, a, b);
  return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
}

function asBool(value: CelValue, where: string): boolean {
  if (typeof value !== 'boolean') throw new CelError(`${where} needs a bool, got ${typeName(value)}`);
  return value;
}

function elements(value: CelValue, macro: string): CelValue[] {
  if (Array.isArray(value)) return value;
  if (isMap(value)) return Object.keys(value);
  throw noOverload(macro, value);
}

function callMethod(fn: string, target: CelValue, args: CelValue[]): CelValue {
  const [first] = args;
  if (typeof target === 'string') {
    if (fn === 'size') return BigInt([...target].length);
    if (fn === 'lowerAscii') return target.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (fn === 'upperAscii') return target.replace(/[a-z]/g, (c) => c.toUpperCase());
    if (fn === 'trim') return target.trim();
    if (typeof first === 'string') {
      if (fn === 'startsWith') return target.startsWith(first);
      if (fn === 'endsWith') return target.endsWith(first);
      if (fn === 'contains') return target.includes(first);
      if (fn === 'split') return target.split(first);
      if (fn === 'matches') {
        try {
          return new RegExp(first).test(target);
        } catch (error) {
          throw new CelError(`invalid regular expression "${first}": ${(error as Error).message}`);
        }
      }
    }
  }
  if (Array.isArray(target)) {
    if (fn === 'size') return BigInt(target.length);
    if (fn === 'first') return target.length > 0 ? new CelOptional(true, target[0]) : new CelOptional(false);
    if (fn === 'last') return target.length > 0 ? new CelOptional(true, target.at(-1)) : new CelOptional(false);
    if (fn === 'join' && target.every((item) => typeof item === 'string')) return target.join(typeof first === 'string' ? first : '');
  }
  if (isMap(target) && fn === 'size') return BigInt(Object.keys(target).length);
  if (target instanceof CelOptional) {
    if (fn === 'hasValue') return target.present;
    if (fn === 'value') {
      if (!target.present) throw new CelError('optional.none() has no value');
      return target.inner as CelValue;
    }
    if (fn === 'orValue' && first !== undefined) return target.present ? (target.inner as CelValue) : first;
  }
  throw noOverload(fn, target, ...args);
}

function callGlobal(fn: string, args: CelValue[]): CelValue {
  const [value, second] = args;
  if (args.length === 2 && fn === 'matches' && value !== undefined && second !== undefined) return callMethod('matches', value, [second]);
  if (args.length !== 1 || value === undefined) throw new CelError(`${fn}() takes one argument`);
  if (fn === 'size') return callMethod('size', value, []);
  if (fn === 'string') {
    if (typeof value === 'string' || isNumber(value) || typeof value === 'boolean') return String(value);
    throw noOverload(fn, value);
  }
  if (fn === 'int') {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    throw new CelError(`cannot convert ${typeName(value)} ${JSON.stringify(String(value))} to int`);
  }
  if (fn === 'double') {
    if (isNumber(value)) return Number(value);
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
    throw new CelError(`cannot convert ${typeName(value)} to double`);
  }
  throw noOverload(fn, value);
}

function evaluate(node: Node, scope: Map<string, CelValue>): CelValue {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'id':
      return scope.get(node.name) as CelValue;
    case 'sel': {
      const target = evaluate(node.target, scope);
      if (!isMap(target)) throw new CelError(`cannot select field '${node.field}' of ${typeName(target)}`);
      if (!(node.field in target)) throw new CelError(`no such key: ${node.field}`);
      return target[node.field] as CelValue;
    }
    case 'has': {
      const target = evaluate(node.target, scope);
      if (!isMap(target)) throw new CelError(`has() cannot test field '${node.field}' of ${typeName(target)}`);
      return node.field in target;
    }
    case 'idx': {
      const target = evaluate(node.target, scope);
      const index = evaluate(node.index, scope);
      if (Array.isArray(target) && isNumber(index) && Number.isInteger(Number(index))) {
        const at = Number(index);
        if (at < 0 || at >= target.length) throw new CelError(`index out of range: ${at}`);
        return target[at] as CelValue;
      }
      if (isMap(target) && typeof index === 'string') {
        if (!(index in target)) throw new CelError(`no such key: ${index}`);
        return target[index] as CelValue;
      }
      throw noOverload('_[_]', target, index);
    }
    case 'call': {
      const args = node.args.map((arg) => evaluate(arg, scope));
      return node.target ? callMethod(node.fn, evaluate(node.target, scope), args) : callGlobal(node.fn, args);
    }
    case 'comp': {
      const items = elements(evaluate(node.target, scope), node.macro);
      const run = (item: CelValue) => evaluate(node.body, new Map([...scope, [node.variable, item]]));
      if (node.macro === 'map') return items.map(run);
      if (node.macro === 'filter') return items.filter((item) => asBool(run(item), 'filter()'));
      if (node.macro === 'all') return items.every((item) => asBool(run(item), 'all()'));
      if (node.macro === 'exists') return items.some((item) => asBool(run(item), 'exists()'));
      return items.filter((item) => asBool(run(item), 'exists_one()')).length === 1;
    }
    case 'list':
      return node.items.map((item) => evaluate(item, scope));
    case 'map':
      return Object.fromEntries(
        node.entries.map(([key, value]) => {
          const name = evaluate(key, scope);
          if (typeof name !== 'string') throw new CelError(`map keys must be strings here, got ${typeName(name)}`);
          return [name, evaluate(value, scope)];
        }),
      );
    case 'un': {
      const value = evaluate(node.arg, scope);
      if (node.op === '!') return !asBool(value, '!');
      if (typeof value === 'bigint') return -value;
      if (typeof value === 'number') return -value;
      throw noOverload('-', value);
    }
    case 'cond':
      return asBool(evaluate(node.test, scope), 'the condition of ?:') ? evaluate(node.then, scope) : evaluate(node.otherwise, scope);
    case 'bin': {
      if (node.op === '&&' || node.op === '||') return logical(node.op, node.left, node.right, scope);
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      switch (node.op) {
        case '==':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        case 'in':
          if (Array.isArray(right)) return right.some((item) => equal(left, item));
          if (isMap(right) && typeof left === 'string') return left in right;
          throw noOverload('in', left, right);
        case '<':
        case '<=':
        case '>':
        case '>=':
          return compare(node.op, left, right);
        default:
          return arithmetic(node.op, left, right);
      }
    }
  }
}

// CEL's logical operators are commutative over errors: `false && error` is false, `true || error` is true.
function logical(op: '&&' | '||', leftNode: Node, rightNode: Node, scope: Map<string, CelValue>): boolean {
  const decisive = op === '||';
  const outcome = (node: Node): boolean | CelError => {
    try {
      return asBool(evaluate(node, scope), op);
    } catch (error) {
      if (error instanceof CelError) return error;
      throw error;
    }
  };
  const left = outcome(leftNode);
  if (left === decisive) return decisive;
  const right = outcome(rightNode);
  if (right === decisive) return decisive;
  if (left instanceof CelError) throw left;
  if (right instanceof CelError) throw right;
  return !decisive;
}

/** A compiled expression over the declared variables. */
export interface CelProgram {
  /** Evaluates to a bool; throws a CelError for any other result or an evaluation error. */
  evaluateBool(variables: Record<string, CelValue>): boolean;
}

/** Parses and checks an expression over `variables`; throws a CelError naming what is wrong. */
export function compileCel(expression: string, variables: readonly string[]): CelProgram {
  const root = new Parser(tokenize(expression)).parse();
  checkNames(root, new Set(variables));
  if (root.k === 'lit' && typeof root.v !== 'boolean') throw new CelError(`CEL expression output type mismatch: expected bool, got ${typeName(root.v)}`);
  return {
    evaluateBool: (values) => {
      const result = evaluate(root, new Map(Object.entries(values)));
      if (typeof result !== 'boolean') throw new CelError(`CEL expression output type mismatch: expected bool, got ${typeName(result)}`);
      return result;
    },
  };
}
