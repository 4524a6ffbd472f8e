/** The parse tree of one template, as Go's text/template/parse builds it. */
export interface Tree {
  name: string;
  /** The name the text was parsed under (a file in Helm): error locations use it. */
  parseName: string;
  text: string;
  root: ListNode;
}

interface NodeBase {
  pos: number;
  tree: Tree;
}

/** A sequence of nodes: a template body or a branch. */
export interface ListNode extends NodeBase {
  kind: 'list';
  nodes: Node[];
}
/** Literal text between actions. */
export interface TextNode extends NodeBase {
  kind: 'text';
  text: string;
}
/** `{{pipeline}}`: its value is printed unless it declares variables. */
export interface ActionNode extends NodeBase {
  kind: 'action';
  pipe: PipeNode;
}
/** A pipeline with optional variable declarations (`$x := …`) or assignment (`$x = …`). */
export interface PipeNode extends NodeBase {
  kind: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
/** One stage of a pipeline: an operand and its arguments. */
export interface CommandNode extends NodeBase {
  kind: 'command';
  args: Node[];
}
/** A function name. */
export interface IdentifierNode extends NodeBase {
  kind: 'identifier';
  ident: string;
}
/** `$x` or `$x.Field.Chain`. */
export interface VariableNode extends NodeBase {
  kind: 'variable';
  ident: string[];
}
/** `.Field.Chain` on dot. */
export interface FieldNode extends NodeBase {
  kind: 'field';
  ident: string[];
}
/** Fields on an expression result: `(pipeline).Field`. */
export interface ChainNode extends NodeBase {
  kind: 'chain';
  node: Node;
  field: string[];
}
/** `.` */
export interface DotNode extends NodeBase {
  kind: 'dot';
}
/** `nil`, only valid as an argument. */
export interface NilNode extends NodeBase {
  kind: 'nil';
}
/** `true` or `false`. */
export interface BoolNode extends NodeBase {
  kind: 'bool';
  value: boolean;
}
/** A number or character constant. */
export interface NumberNode extends NodeBase {
  kind: 'number';
  /** Go's evaluation of an untyped constant: int when it has no `.eEpP` (or is a char), else float64. */
  value: bigint | number;
  text: string;
}
/** A quoted or raw string constant. */
export interface StringNode extends NodeBase {
  kind: 'string';
  quoted: string;
  text: string;
}
/** `{{if}}`, `{{range}}` or `{{with}}` with an optional else list. */
export interface BranchNode extends NodeBase {
  kind: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
/** `{{template "name" pipeline}}` (a `{{block}}` parses to its definition plus this call). */
export interface TemplateNode extends NodeBase {
  kind: 'template';
  name: string;
  pipe: PipeNode | null;
}
/** `{{break}}` or `{{continue}}` inside a range. */
export interface BreakNode extends NodeBase {
  kind: 'break' | 'continue';
}
/** `{{end}}` and `{{else}}` only exist while parsing. */
export interface EndNode extends NodeBase {
  kind: 'end' | 'else';
}

/** Any node of the tree. */
export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | FieldNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | EndNode;

/** Go's Node.String(): the source-like form used in error messages (`at <.Values.x>`). */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'chain':
      return (n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'template':
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
    case 'continue':
      return `{{${n.kind}}}`;
    case 'end':
    case 'else':
      return `{{${n.kind}}}`;
  }
}

/** Go's parse.IsEmptyTree: only whitespace text and comments, so it must not replace a defined template. */
export function isEmptyTree(n: Node): boolean {
  if (n.kind === 'list') return n.nodes.every(isEmptyTree);
  if (n.kind === 'text') return n.text.trim() === '';
  return false;
}
