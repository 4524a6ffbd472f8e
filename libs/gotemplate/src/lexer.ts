/** Token kinds of Go's text/template lexer (text/template/parse/lex.go). */
export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'comment'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

/** One token: its kind, its text and its offset in the source. */
export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

const TRIM_MARKER = '-';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string): boolean {
  return c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);
}

/**
 * Splits a template into tokens; the whole text is lexed eagerly (templates are small and parsed once).
 * Errors become an `error` item, as in Go, so the parser reports them with their line.
 */
export class Lexer {
  private readonly items: Item[] = [];
  private pos = 0;
  private start = 0;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;
  private insideAction = false;

  constructor(
    private readonly input: string,
    private readonly leftDelim: string,
    private readonly rightDelim: string,
  ) {}

  lex(): Item[] {
    let state: (() => boolean) | null = this.lexText;
    while (state) {
      const next: boolean = state.call(this);
      state = next ? (this.insideAction ? this.lexInsideAction : this.lexText) : null;
    }
    return this.items;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.pos = this.input.length + 1;
      return '';
    }
    const cp = this.input.codePointAt(this.pos) ?? 0;
    const c = String.fromCodePoint(cp);
    this.pos += c.length;
    if (c === '\n') this.line++;
    return c;
  }

  private peek(): string {
    if (this.pos >= this.input.length) return '';
    return String.fromCodePoint(this.input.codePointAt(this.pos) ?? 0);
  }

  private backup(c: string): void {
    if (c === '') {
      this.pos = this.input.length;
      return;
    }
    this.pos -= c.length;
    if (c === '\n') this.line--;
  }

  private emit(type: ItemType): void {
    this.items.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }

  private ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  private errorf(message: string): false {
    this.items.push({ type: 'error', pos: this.start, val: message, line: this.startLine });
    return false;
  }

  private accept(valid: string): boolean {
    const c = this.next();
    if (c !== '' && valid.includes(c)) return true;
    this.backup(c);
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const c = this.next();
      if (c === '' || !valid.includes(c)) {
        this.backup(c);
        return;
      }
    }
  }

  private lexText(): boolean {
    const x = this.input.indexOf(this.leftDelim, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) {
        this.line += countNewlines(this.input.slice(this.start, this.pos));
        this.emitText(this.pos);
      }
      this.emit('eof');
      return false;
    }
    this.pos = x;
    let trimLength = 0;
    const afterDelim = x + this.leftDelim.length;
    if (this.hasLeftTrimMarker(afterDelim)) {
      trimLength = rightTrimLength(this.input.slice(this.start, this.pos));
    }
    this.pos -= trimLength;
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    if (this.pos > this.start) this.emitText(this.pos);
    this.pos += trimLength;
    this.ignore();
    return this.lexLeftDelim();
  }

  private emitText(end: number): void {
    this.items.push({ type: 'text', pos: this.start, val: this.input.slice(this.start, end), line: this.startLine });
    this.start = end;
    this.startLine = this.line;
  }

  private hasLeftTrimMarker(at: number): boolean {
    return this.input[at] === TRIM_MARKER && isSpace(this.input[at + 1] ?? '');
  }

  private atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (
      isSpace(this.input[this.pos] ?? '') &&
      this.input[this.pos + 1] === TRIM_MARKER &&
      this.input.startsWith(this.rightDelim, this.pos + 2)
    ) {
      return { delim: true, trimSpaces: true };
    }
    if (this.input.startsWith(this.rightDelim, this.pos)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  private lexLeftDelim(): boolean {
    this.pos += this.leftDelim.length;
    const trimSpace = this.hasLeftTrimMarker(this.pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (this.input.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return this.lexComment();
    }
    this.emit('leftDelim');
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    this.insideAction = true;
    return true;
  }

  private lexComment(): boolean {
    this.pos += LEFT_COMMENT.length;
    const x = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + RIGHT_COMMENT.length;
    const { delim, trimSpaces } = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.ignore();
    if (trimSpaces) this.pos += 2;
    this.pos += this.rightDelim.length;
    if (trimSpaces) this.pos += leftTrimLength(this.input.slice(this.pos));
    this.ignore();
    this.insideAction = false;
    return true;
  }

  private lexRightDelim(trimSpaces: boolean): boolean {
    if (trimSpaces) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += this.rightDelim.length;
    this.emit('rightDelim');
    if (trimSpaces) {
      this.pos += leftTrimLength(this.input.slice(this.pos));
      this.ignore();
    }
    this.insideAction = false;
    return true;
  }

  private lexInsideAction(): boolean {
    const { delim, trimSpaces } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return this.lexRightDelim(trimSpaces);
      return this.errorf('unclosed left paren');
    }
    const c = this.next();
    if (c === '') return this.errorf('unclosed action');
    if (isSpace(c)) {
      this.backup(c);
      return this.lexSpace();
    }
    if (c === '=') {
      this.emit('assign');
      return true;
    }
    if (c === ':') {
      if (this.next() !== '=') return this.errorf('expected :=');
      this.emit('declare');
      return true;
    }
    if (c === '|') {
      this.emit('pipe');
      return true;
    }
    if (c === '"') return this.lexQuote();
    if (c === '`') return this.lexRawQuote();
    if (c === '$') return this.lexVariable();
    if (c === "'") return this.lexChar();
    if (c === '.') {
      if (this.pos < this.input.length) {
        const r = this.input[this.pos] ?? '';
        if (r < '0' || r > '9') return this.lexField();
      }
      this.backup(c);
      return this.lexNumber();
    }
    if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      this.backup(c);
      return this.lexNumber();
    }
    if (isAlphaNumeric(c)) {
      this.backup(c);
      return this.lexIdentifier();
    }
    if (c === '(') {
      this.emit('leftParen');
      this.parenDepth++;
      return true;
    }
    if (c === ')') {
      this.parenDepth--;
      if (this.parenDepth < 0) return this.errorf('unexpected right paren');
      this.emit('rightParen');
      return true;
    }
    const cp = c.codePointAt(0) ?? 0;
    if (cp <= 0x7f && /[\x21-\x7e]/.test(c)) {
      this.emit('char');
      return true;
    }
    return this.errorf(`unrecognized character in action: ${formatRuneU(c)}`);
  }

  private lexSpace(): boolean {
    let numSpaces = 0;
    for (;;) {
      const c = this.peek();
      if (!isSpace(c)) break;
      this.next();
      numSpaces++;
    }
    // A space before a trim marker belongs to the closing delimiter " -}}".
    if (this.input[this.pos - 1] !== undefined && this.input.startsWith(TRIM_MARKER + this.rightDelim, this.pos)) {
      this.backup(this.input[this.pos - 1] ?? '');
      if (numSpaces === 1) return true;
    }
    this.emit('space');
    return true;
  }

  private lexIdentifier(): boolean {
    for (;;) {
      const c = this.next();
      if (c !== '' && isAlphaNumeric(c)) continue;
      this.backup(c);
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${formatRuneU(this.peek())}`);
      const keyword = KEYWORDS.get(word);
      if (keyword && keyword !== 'dot') this.emit(keyword);
      else if (word[0] === '.') this.emit('field');
      else if (word === 'true' || word === 'false') this.emit('bool');
      else this.emit('identifier');
      return true;
    }
  }

  private lexField(): boolean {
    return this.lexFieldOrVariable('field');
  }

  private lexVariable(): boolean {
    if (this.atTerminator()) {
      this.emit('variable');
      return true;
    }
    return this.lexFieldOrVariable('variable');
  }

  private lexFieldOrVariable(type: 'field' | 'variable'): boolean {
    if (this.atTerminator()) {
      if (type === 'variable') this.emit('variable');
      else this.emit('dot');
      return true;
    }
    let c: string;
    for (;;) {
      c = this.next();
      if (c === '' || !isAlphaNumeric(c)) {
        this.backup(c);
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${formatRuneU(this.peek())}`);
    this.emit(type);
    return true;
  }

  private atTerminator(): boolean {
    const c = this.peek();
    if (c === '' || isSpace(c)) return true;
    if ('.,|:)('.includes(c)) return true;
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  private lexChar(): boolean {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') return this.errorf('unterminated character constant');
      if (c === "'") break;
    }
    this.emit('charConstant');
    return true;
  }

  private lexNumber(): boolean {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === '+' || sign === '-') {
      // Complex constants (1+2i) are not supported by Ferry; Go would accept them.
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
      }
    }
    this.emit('number');
    return true;
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    const c = this.peek();
    if (c !== '' && isAlphaNumeric(c)) {
      this.next();
      return false;
    }
    return true;
  }

  private lexQuote(): boolean {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') return this.errorf('unterminated quoted string');
      if (c === '"') break;
    }
    this.emit('string');
    return true;
  }

  private lexRawQuote(): boolean {
    const end = this.input.indexOf('`', this.pos);
    if (end < 0) return this.errorf('unterminated raw quoted string');
    this.pos = end + 1;
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.items.push({ type: 'rawString', pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
    return true;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function rightTrimLength(s: string): number {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1] ?? '')) i--;
  return s.length - i;
}

function leftTrimLength(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s[i] ?? '')) i++;
  return i;
}

/** Go's %#U of a rune: `U+007D '}'`. */
function formatRuneU(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}\x20]$/u.test(c) ? `${hex} '${c}'` : hex;
}

/** Go's %q of a string (strconv.Quote): printable runes kept, the rest escaped. */
export function goQuote(s: string): string {
  // Fast path: printable ASCII without quote or backslash is quoted as is.
  if (/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(s)) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    out += quoteRuneInString(c, '"');
  }
  return out + '"';
}

/** Go's %q of a rune (strconv.QuoteRune). */
export function goQuoteRune(c: string): string {
  if (c === '') return `'\\x00'`;
  return `'${quoteRuneInString(c, "'")}'`;
}

function quoteRuneInString(c: string, quote: string): string {
  switch (c) {
    case quote:
    case '\\':
      return '\\' + c;
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
  }
  const cp = c.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp === 0xfffd) return '\\ufffd';
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S}\x20]$/u.test(c)) return c;
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

const KEYWORD_TYPES: ReadonlySet<ItemType> = new Set(KEYWORDS.values());

/** Go's item.String(), as parse errors quote tokens: `unexpected "}" in operand`, `<end>`, `EOF`. */
export function itemString(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (KEYWORD_TYPES.has(item.type)) return `<${item.val}>`;
  const runes = [...item.val];
  if (runes.length > 10) return `${goQuote(runes.slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}
