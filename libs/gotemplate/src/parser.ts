import {
  BranchNode,
  CommandNode,
  isEmptyTree,
  ListNode,
  Node,
  nodeString,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from './ast';
import { goQuote, Item, itemString, ItemType, Lexer } from './lexer';
import { TemplateError } from './template-error';
import { unquoteChar, unquoteString } from './unquote';

/** What the parser needs from its template: which function names exist (Go rejects unknown ones at parse time). */
export interface ParseContext {
  hasFunction(name: string): boolean;
  leftDelim: string;
  rightDelim: string;
}

/**
 * Parses `text` into the tree named `name` plus one tree per `{{define}}`/`{{block}}`, keyed by name.
 * Mirrors Go's parse.Parse, including its error messages.
 */
export function parseTemplates(name: string, text: string, ctx: ParseContext): Map<string, Tree> {
  const items = new Lexer(text, ctx.leftDelim, ctx.rightDelim).lex();
  const treeSet = new Map<string, Tree>();
  const state = new ParseState(items, text, name, ctx, treeSet);
  const top: Tree = { name, parseName: name, text, root: state.emptyList(0) };
  state.parseTop(top);
  state.addTree(top);
  return treeSet;
}

class ParseState {
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private tree!: Tree;

  constructor(
    private readonly items: Item[],
    private readonly text: string,
    private readonly parseName: string,
    private readonly ctx: ParseContext,
    private readonly treeSet: Map<string, Tree>,
  ) {}

  emptyList(pos: number): ListNode {
    return { kind: 'list', pos, tree: this.tree, nodes: [] };
  }

  private next(): Item {
    const item = this.items[this.index] ?? this.items[this.items.length - 1];
    if (!item) throw new Error('lexer produced no items');
    if (this.index < this.items.length) this.index++;
    return item;
  }

  private backup(n = 1): void {
    this.index -= n;
  }

  private peek(): Item {
    const item = this.next();
    this.backup();
    return item;
  }

  private nextNonSpace(): Item {
    let item: Item;
    do item = this.next();
    while (item.type === 'space');
    return item;
  }

  private peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  private currentLine(): number {
    const item = this.items[Math.max(0, this.index - 1)];
    return item?.line ?? 1;
  }

  private errorf(message: string, line = this.currentLine()): never {
    throw new TemplateError(`template: ${this.parseName}:${line}: ${message}`);
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        // Go avoids "unclosed action in action started at …".
        extra = `${token.val.endsWith(' action') ? '' : ' in action'} started at ${this.parseName}:${this.actionLine}`;
      }
      this.errorf(`${itemString(token)}${extra}`, token.line);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`, token.line);
  }

  private expect(type: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== type) this.unexpected(token, context);
    return token;
  }

  addTree(tree: Tree): void {
    const existing = this.treeSet.get(tree.name);
    if (!existing || isEmptyTree(existing.root)) {
      this.treeSet.set(tree.name, tree);
      return;
    }
    if (!isEmptyTree(tree.root)) this.errorf(`template: multiple definition of template ${goQuote(tree.name)}`);
  }

  parseTop(top: Tree): void {
    this.tree = top;
    top.root = this.emptyList(this.peek().pos);
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const mark = this.index;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          this.tree = top;
          continue;
        }
        this.index = mark;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      top.root.nodes.push(n);
    }
  }

  private subTree(name: string): Tree {
    const tree: Tree = { name, parseName: this.parseName, text: this.text, root: this.emptyList(0) };
    this.tree = tree;
    tree.root.tree = tree;
    return tree;
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    const name = this.unquote(token);
    this.expect('rightDelim', context);
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    const tree = this.subTree(name);
    const [list, end] = this.itemList();
    tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(tree);
    this.vars = saved.vars;
    this.rangeDepth = saved.rangeDepth;
  }

  private itemList(): [ListNode, Node] {
    const list = this.emptyList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { kind: 'text', pos: token.pos, tree: this.tree, text: token.val };
      case 'leftDelim': {
        const saved = this.actionLine;
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = saved;
        }
      }
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.loopControl(token);
      case 'else':
        return this.elseControl();
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos, tree: this.tree };
      case 'if':
      case 'range':
      case 'with':
        return this.branchControl(token.type);
      case 'template':
        return this.templateControl();
      default:
        break;
    }
    this.backup();
    const start = this.peek();
    return { kind: 'action', pos: start.pos, tree: this.tree, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(token: Item): Node {
    const kind = token.type === 'break' ? 'break' : 'continue';
    const after = this.nextNonSpace();
    if (after.type !== 'rightDelim') this.unexpected(after, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: token.pos, tree: this.tree };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { kind: 'else', pos: peek.pos, tree: this.tree };
    const token = this.expect('rightDelim', 'else');
    return { kind: 'else', pos: token.pos, tree: this.tree };
  }

  private branchControl(kind: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === 'else') {
        // `{{else if x}}` / `{{else with x}}` are `{{else}}{{if x}}…{{end}}{{end}}` with the inner end implied.
        const peek = this.peek();
        if ((kind === 'if' && peek.type === 'if') || (kind === 'with' && peek.type === 'with')) {
          this.next();
          elseList = this.emptyList(next.pos);
          elseList.nodes.push(this.branchControl(kind));
        } else {
          const [list2, end] = this.itemList();
          elseList = list2;
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { kind, pos: pipe.pos, tree: this.tree, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const outer = this.tree;
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    const tree = this.subTree(name);
    const [list, end] = this.itemList();
    tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(tree);
    this.vars = saved.vars;
    this.rangeDepth = saved.rangeDepth;
    this.tree = outer;
    return { kind: 'template', pos: token.pos, tree: outer, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: token.pos, tree: this.tree, name, pipe };
  }

  private templateName(token: Item, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    return this.unquote(token);
  }

  private unquote(token: Item): string {
    try {
      return unquoteString(token.val);
    } catch (e) {
      this.errorf((e as Error).message, token.line);
    }
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: start.pos, tree: this.tree, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      const mark = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.variable(v));
        this.vars.push(v.val);
        return;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.index = mark;
      return;
    }
  }

  private variable(token: Item): VariableNode {
    return { kind: 'variable', pos: token.pos, tree: this.tree, ident: token.val.split('.') };
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.kind)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, tree: this.tree, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos, tree: this.tree, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, tree: this.tree, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      // falls through: errorf never returns
      default:
        return { kind: 'chain', pos, tree: this.tree, node, field: fields };
    }
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.ctx.hasFunction(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`, token.line);
        return { kind: 'identifier', pos: token.pos, tree: this.tree, ident: token.val };
      case 'dot':
        return { kind: 'dot', pos: token.pos, tree: this.tree };
      case 'nil':
        return { kind: 'nil', pos: token.pos, tree: this.tree };
      case 'variable':
        return this.useVar(token);
      case 'field':
        return { kind: 'field', pos: token.pos, tree: this.tree, ident: token.val.slice(1).split('.') };
      case 'bool':
        return { kind: 'bool', pos: token.pos, tree: this.tree, value: token.val === 'true' };
      case 'charConstant':
      case 'number':
        return this.number(token);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: token.pos, tree: this.tree, quoted: token.val, text: this.unquote(token) };
      default:
        this.backup();
        return null;
    }
  }

  private useVar(token: Item): VariableNode {
    const v = this.variable(token);
    const name = v.ident[0] ?? '';
    if (!this.vars.includes(name)) this.errorf(`undefined variable ${goQuote(name)}`, token.line);
    return v;
  }

  private number(token: Item): NumberNode {
    const base = { kind: 'number' as const, pos: token.pos, tree: this.tree, text: token.val };
    if (token.type === 'charConstant') {
      let rune: string;
      try {
        rune = unquoteChar(token.val);
      } catch {
        this.errorf(`malformed character constant: ${token.val}`, token.line);
      }
      return { ...base, value: BigInt(rune.codePointAt(0) ?? 0) };
    }
    const value = parseGoNumber(token.val);
    if (value === null) this.errorf(`illegal number syntax: ${goQuote(token.val)}`, token.line);
    return { ...base, value };
  }
}

const INT_PATTERN = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/;

/**
 * Go's untyped constant rules as text/template applies them: integer syntax gives an int (bigint),
 * anything with `.`, `e` or `p` gives a float64 (number). Imaginary numbers are not supported.
 */
export function parseGoNumber(text: string): bigint | number | null {
  if (text.endsWith('i')) return null;
  if (text.includes('__') || text.endsWith('_')) return null;
  const clean = text.replace(/_/g, '');
  if (INT_PATTERN.test(text)) {
    const negative = clean.startsWith('-');
    const unsigned = clean.replace(/^[+-]/, '');
    let digits = unsigned;
    if (/^0[0-7]+$/.test(unsigned)) digits = '0o' + unsigned.slice(1);
    else if (/^0[oO]/.test(unsigned)) digits = '0o' + unsigned.slice(2);
    try {
      const v = BigInt(digits);
      return negative ? -v : v;
    } catch {
      return null;
    }
  }
  if (/^[+-]?0[xX]/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
    if (!m) return null;
    const mantissa = parseInt((m[2] ?? '') + (m[3] ?? ''), 16) / Math.pow(16, (m[3] ?? '').length);
    const v = mantissa * Math.pow(2, Number(m[4]));
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return null;
  return Number(clean);
}
