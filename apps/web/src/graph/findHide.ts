/**
 * The find/hide expression language of the graph page, a parser and an evaluator, both pure.
 *
 *   rps > 10          error > 1%        mtls < 100        p95 > 200ms
 *   version = v2      ns = bookinfo     sidecar = false   app = review*
 *   idle              not sidecar       (rps > 1 or error > 0) and ns != curl
 *
 * Fields apply to nodes, edges or both (see FIELDS); a comparison on a field that does not apply to
 * an element is simply false for it, so `mtls < 100` finds edges and never nodes. Percentages are
 * written 0..100 with or without `%`; durations in ms unless suffixed `s`.
 */

export type FieldType = 'number' | 'string' | 'boolean' | 'set';
export type ElementKind = 'node' | 'edge';

interface FieldSpec {
  type: FieldType;
  appliesTo: readonly ElementKind[];
  /** Units the value may carry; the first one is the field's own. */
  units?: readonly string[];
  description: string;
}

const NODE: readonly ElementKind[] = ['node'];
const EDGE: readonly ElementKind[] = ['edge'];
const BOTH: readonly ElementKind[] = ['node', 'edge'];

/** Every field the language knows, by canonical name. */
export const FIELDS: Readonly<Record<string, FieldSpec>> = {
  ns: { type: 'string', appliesTo: NODE, description: 'namespace' },
  app: { type: 'string', appliesTo: NODE, description: 'app label' },
  version: { type: 'string', appliesTo: NODE, description: 'version label' },
  workload: { type: 'string', appliesTo: NODE, description: 'workload name' },
  service: { type: 'string', appliesTo: NODE, description: 'service name' },
  name: { type: 'string', appliesTo: NODE, description: 'the name drawn on the node' },
  type: { type: 'string', appliesTo: NODE, description: 'app, service, workload, unknown or external' },
  health: { type: 'string', appliesTo: NODE, description: 'healthy, degraded, failure or na' },
  sidecar: { type: 'boolean', appliesTo: NODE, description: 'has an Envoy sidecar' },
  badge: {
    type: 'set',
    appliesTo: NODE,
    description: 'carries a badge: VS, TS, FI, TO, MI, CB, GW, MS, ERR',
  },
  rpsin: { type: 'number', appliesTo: NODE, description: 'requests per second received' },
  rpsout: { type: 'number', appliesTo: NODE, description: 'requests per second sent' },
  rps: { type: 'number', appliesTo: BOTH, description: 'requests per second (nodes: received)' },
  error: { type: 'number', appliesTo: BOTH, units: ['%'], description: 'error rate in percent' },
  idle: { type: 'boolean', appliesTo: BOTH, description: 'no traffic in the window' },
  mtls: {
    type: 'number',
    appliesTo: EDGE,
    units: ['%'],
    description: 'share of requests over mTLS, percent',
  },
  percent: {
    type: 'number',
    appliesTo: EDGE,
    units: ['%'],
    description: 'share of the source’s traffic, percent',
  },
  weight: { type: 'number', appliesTo: EDGE, units: ['%'], description: 'configured route weight, percent' },
  p50: { type: 'number', appliesTo: EDGE, units: ['ms', 's'], description: 'median response time' },
  p95: { type: 'number', appliesTo: EDGE, units: ['ms', 's'], description: '95th percentile response time' },
  p99: { type: 'number', appliesTo: EDGE, units: ['ms', 's'], description: '99th percentile response time' },
  protocol: { type: 'string', appliesTo: EDGE, description: 'http, grpc or tcp' },
  flag: {
    type: 'set',
    appliesTo: EDGE,
    description: 'carries an Envoy response flag: FI, UT, UO, UF, URX, UC, NR, DC…',
  },
};

const ALIASES: Readonly<Record<string, string>> = {
  namespace: 'ns',
  nodetype: 'type',
  err: 'error',
  errors: 'error',
  rt: 'p95',
  share: 'percent',
  badges: 'badge',
  flags: 'flag',
};

export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type Value = string | number | boolean;

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'compare'; field: string; op: Operator; value: Value };

export interface ParseError {
  message: string;
  /** 0-based offset into the source where the problem starts. */
  position: number;
}

export type ParseResult = { ok: true; expr: Expr | null } | { ok: false; error: ParseError };

/** What an element exposes to the evaluator: canonical field name → value (undefined: not known). */
export interface FindHideTarget {
  kind: ElementKind;
  values: Readonly<Record<string, Value | readonly string[] | null | undefined>>;
}

type Token =
  | { t: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'end'; pos: number; text: string }
  | { t: 'op'; op: Operator; pos: number; text: string }
  | { t: 'number'; value: number; unit: string; pos: number; text: string }
  | { t: 'word' | 'string'; value: string; pos: number; text: string };

class FindHideSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')') {
      tokens.push({ t: ch === '(' ? 'lparen' : 'rparen', pos: start, text: ch });
      i += 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push({ t: two === '&&' ? 'and' : 'or', pos: start, text: two });
      i += 2;
      continue;
    }
    if (two === '>=' || two === '<=' || two === '!=' || two === '==') {
      tokens.push({ t: 'op', op: two === '==' ? '=' : two, pos: start, text: two });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '>' || ch === '<') {
      tokens.push({ t: 'op', op: ch, pos: start, text: ch });
      i += 1;
      continue;
    }
    if (ch === '!') {
      tokens.push({ t: 'not', pos: start, text: ch });
      i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const close = source.indexOf(ch, i + 1);
      if (close < 0) throw new FindHideSyntaxError(`the quote opened here is never closed`, start);
      tokens.push({
        t: 'string',
        value: source.slice(i + 1, close),
        pos: start,
        text: source.slice(i, close + 1),
      });
      i = close + 1;
      continue;
    }
    const number = /^(\d+(?:\.\d+)?|\.\d+)(%|ms|s)?(?![\w.*-])/.exec(source.slice(i));
    if (number) {
      tokens.push({
        t: 'number',
        value: Number(number[1]),
        unit: number[2] ?? '',
        pos: start,
        text: number[0],
      });
      i += number[0].length;
      continue;
    }
    const word = /^[\w.*/:-]+/.exec(source.slice(i));
    if (word) {
      const text = word[0];
      const lower = text.toLowerCase();
      if (lower === 'and' || lower === 'or' || lower === 'not') tokens.push({ t: lower, pos: start, text });
      else tokens.push({ t: 'word', value: text, pos: start, text });
      i += text.length;
      continue;
    }
    throw new FindHideSyntaxError(`unexpected character “${ch}”`, start);
  }
  tokens.push({ t: 'end', pos: source.length, text: '' });
  return tokens;
}

function describe(token: Token): string {
  return token.t === 'end' ? 'the end of the expression' : `“${token.text}”`;
}

/** Canonical field name for what a person typed, or undefined. */
export function resolveField(name: string): string | undefined {
  const lower = name.toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  return canonical in FIELDS ? canonical : undefined;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  parse(): Expr {
    const expr = this.parseOr();
    const rest = this.peek();
    if (rest.t !== 'end') {
      throw new FindHideSyntaxError(
        rest.t === 'rparen'
          ? 'this “)” has no matching “(”'
          : `expected “and” or “or” before ${describe(rest)}`,
        rest.pos,
      );
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek().t === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseUnary();
    while (this.peek().t === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.peek().t === 'not') {
      this.next();
      return { kind: 'not', operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const token = this.next();
    if (token.t === 'lparen') {
      const inner = this.parseOr();
      const close = this.next();
      if (close.t !== 'rparen') {
        throw new FindHideSyntaxError(`expected “)” to close the “(” at column ${token.pos + 1}`, close.pos);
      }
      return inner;
    }
    if (token.t !== 'word') {
      throw new FindHideSyntaxError(
        `expected a field such as rps, error or ns, found ${describe(token)}`,
        token.pos,
      );
    }
    const field = resolveField(token.value);
    if (!field) {
      throw new FindHideSyntaxError(
        `unknown field “${token.value}”; use one of ${Object.keys(FIELDS).join(', ')}`,
        token.pos,
      );
    }
    const spec = FIELDS[field]!;
    const opToken = this.peek();
    if (opToken.t !== 'op') {
      if (spec.type === 'boolean') return { kind: 'compare', field, op: '=', value: true };
      throw new FindHideSyntaxError(
        `expected a comparison (=, !=, >, >=, <, <=) after “${token.text}”`,
        opToken.pos,
      );
    }
    this.next();
    const op = opToken.op;
    const valueToken = this.next();
    return { kind: 'compare', field, op, value: this.parseValue(field, spec, op, opToken, valueToken) };
  }

  private parseValue(field: string, spec: FieldSpec, op: Operator, opToken: Token, valueToken: Token): Value {
    if (
      valueToken.t === 'end' ||
      valueToken.t === 'lparen' ||
      valueToken.t === 'rparen' ||
      valueToken.t === 'op'
    ) {
      throw new FindHideSyntaxError(`expected a value after “${opToken.text}”`, valueToken.pos);
    }
    if (spec.type === 'number') {
      if (valueToken.t !== 'number') {
        throw new FindHideSyntaxError(`${field} is a number; ${describe(valueToken)} is not`, valueToken.pos);
      }
      const units = spec.units ?? [];
      if (valueToken.unit && !units.includes(valueToken.unit)) {
        throw new FindHideSyntaxError(
          `the unit “${valueToken.unit}” does not apply to ${field}`,
          valueToken.pos,
        );
      }
      return valueToken.unit === 's' ? valueToken.value * 1000 : valueToken.value;
    }
    if (op !== '=' && op !== '!=') {
      throw new FindHideSyntaxError(`${field} can only be compared with = or !=`, opToken.pos);
    }
    const text =
      valueToken.t === 'number'
        ? valueToken.text
        : valueToken.t === 'word' || valueToken.t === 'string'
          ? valueToken.value
          : '';
    if (spec.type === 'boolean') {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new FindHideSyntaxError(
          `${field} is true or false, not ${describe(valueToken)}`,
          valueToken.pos,
        );
      }
      return lower === 'true';
    }
    return text;
  }
}

/** Parses `source`; an empty or blank source is a valid "no expression" (`expr: null`). */
export function parseFindHide(source: string): ParseResult {
  if (source.trim() === '') return { ok: true, expr: null };
  try {
    return { ok: true, expr: new Parser(tokenize(source)).parse() };
  } catch (error) {
    if (error instanceof FindHideSyntaxError) {
      return { ok: false, error: { message: error.message, position: error.position } };
    }
    throw error;
  }
}

function globMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  if (!p.includes('*')) return p === v;
  const regex = new RegExp(
    `^${p
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(v);
}

function compare(
  actual: Value | readonly string[] | null | undefined,
  op: Operator,
  expected: Value,
): boolean {
  if (actual == null) return false;
  if (Array.isArray(actual)) {
    const has = actual.some((item) => globMatch(String(expected), item));
    return op === '=' ? has : !has;
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case '=':
        return Math.abs(actual - expected) < 1e-9;
      case '!=':
        return Math.abs(actual - expected) >= 1e-9;
      case '>':
        return actual > expected;
      case '>=':
        return actual >= expected;
      case '<':
        return actual < expected;
      case '<=':
        return actual <= expected;
    }
  }
  if (typeof actual === 'boolean') {
    return op === '=' ? actual === expected : actual !== expected;
  }
  const equal = globMatch(String(expected), String(actual));
  return op === '=' ? equal : !equal;
}

/** True when `target` satisfies `expr`. Fields that don't apply to the target's kind are false. */
export function evaluate(expr: Expr, target: FindHideTarget): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, target) && evaluate(expr.right, target);
    case 'or':
      return evaluate(expr.left, target) || evaluate(expr.right, target);
    case 'not':
      return !evaluate(expr.operand, target);
    case 'compare': {
      const spec = FIELDS[expr.field];
      if (!spec || !spec.appliesTo.includes(target.kind)) return false;
      return compare(target.values[expr.field], expr.op, expr.value);
    }
  }
}
