/**
 * The `Condition` element: operators, their parsing and their evaluation, following AWS's documented rules.
 *
 * - All operators of a block AND together; all keys of one operator AND together; the values of one key OR
 *   together (for a negated operator: the key must match none of them).
 * - A key missing from the request: positive operators are false, negated ones (`StringNotEquals`, `NotIpAddress`,
 *   `ArnNotLike`, …) are true; `…IfExists` makes any operator true; `ForAllValues:` is true, `ForAnyValue:` false.
 * - `ForAnyValue:` — at least one request value satisfies the operator; `ForAllValues:` — every request value does.
 * - Condition keys are case-insensitive; values are case-sensitive except for the `…IgnoreCase` operators.
 * - A multi-valued key used without `ForAnyValue:`/`ForAllValues:`: a positive operator needs one request value to
 *   match, a negated one needs none to match.
 * - A policy value whose policy variable has no value (and no default) matches nothing; for a negated operator the
 *   key condition is then false. A request value of the wrong type (e.g. not a number) matches nothing either.
 */
import { cidrContains, parseCidr, parseIp } from './ip';
import type { ConditionBlock } from './policy.types';
import { compilePattern, matchTokens, substituteVariables, type VariableResolver } from './wildcard';

export type ConditionFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress' | 'Arn' | 'Null';

/** Tests one request value against one policy value; undefined = not comparable (bad number, unset variable, …). */
type Comparator = (requestValue: string, policyValue: string, vars: VariableResolver | undefined) => boolean | undefined;

interface BaseOperator {
  name: string;
  family: ConditionFamily;
  /** Negated operators are true when the request value matches none of the policy values. */
  negated: boolean;
  compare: Comparator;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A number as IAM reads it (decimal or exponent notation), or undefined. */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  return NUMBER.test(s) ? Number(s) : undefined;
}

/** A date as IAM reads it: ISO 8601 (UTC when no zone is given) or epoch seconds. Milliseconds since epoch. */
export function parseDate(text: string): number | undefined {
  const s = text.trim();
  if (NUMBER.test(s)) return Number(s) * 1000;
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const zone = m[3] === undefined ? 'Z' : m[3].toUpperCase() === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseBool(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

const stringEquals: Comparator = (r, p, vars) => {
  const v = substituteVariables(p, vars);
  return v === undefined ? undefined : r === v;
};
const stringEqualsIgnoreCase: Comparator = (r, p, vars) => {
  const v = substituteVariables(p, vars);
  return v === undefined ? undefined : r.toLowerCase() === v.toLowerCase();
};
const stringLike: Comparator = (r, p, vars) => {
  const tokens = compilePattern(p, vars);
  return tokens === undefined ? undefined : matchTokens(tokens, r);
};

function ordered(parse: (s: string) => number | undefined, test: (r: number, p: number) => boolean): Comparator {
  return (r, p, vars) => {
    const pv = substituteVariables(p, vars);
    const a = parse(r);
    const b = pv === undefined ? undefined : parse(pv);
    return a === undefined || b === undefined ? undefined : test(a, b);
  };
}
const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;

const bool: Comparator = (r, p, vars) => {
  const pv = substituteVariables(p, vars);
  const a = parseBool(r);
  const b = pv === undefined ? undefined : parseBool(pv);
  return a === undefined || b === undefined ? undefined : a === b;
};

const ipAddress: Comparator = (r, p, vars) => {
  const pv = substituteVariables(p, vars);
  const ip = parseIp(r);
  const block = pv === undefined ? undefined : parseCidr(pv);
  return ip === undefined || block === undefined ? undefined : cidrContains(block, ip);
};

/** Splits an ARN into its six colon-separated parts (the last one keeps its colons), or undefined. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnEquals/ArnLike: each of the six parts is compared on its own, with wildcards, case-sensitively. */
const arnLike: Comparator = (r, p, vars) => {
  const pv = substituteVariables(p, vars);
  if (pv === undefined) return undefined;
  const req = arnParts(r);
  if (!req) return undefined;
  if (pv === '*') return true;
  const pol = arnParts(pv);
  if (!pol) return false;
  return pol.every((part, i) => matchTokens(compilePattern(part) ?? [], req[i]));
};

/** Null is evaluated on key presence, not through a comparator. */
const nullCompare: Comparator = () => undefined;

const BASE_LIST: BaseOperator[] = [
  { name: 'StringEquals', family: 'String', negated: false, compare: stringEquals },
  { name: 'StringNotEquals', family: 'String', negated: true, compare: stringEquals },
  { name: 'StringEqualsIgnoreCase', family: 'String', negated: false, compare: stringEqualsIgnoreCase },
  { name: 'StringNotEqualsIgnoreCase', family: 'String', negated: true, compare: stringEqualsIgnoreCase },
  { name: 'StringLike', family: 'String', negated: false, compare: stringLike },
  { name: 'StringNotLike', family: 'String', negated: true, compare: stringLike },
  { name: 'NumericEquals', family: 'Numeric', negated: false, compare: ordered(parseNumber, eq) },
  { name: 'NumericNotEquals', family: 'Numeric', negated: true, compare: ordered(parseNumber, eq) },
  { name: 'NumericLessThan', family: 'Numeric', negated: false, compare: ordered(parseNumber, lt) },
  { name: 'NumericLessThanEquals', family: 'Numeric', negated: false, compare: ordered(parseNumber, le) },
  { name: 'NumericGreaterThan', family: 'Numeric', negated: false, compare: ordered(parseNumber, gt) },
  { name: 'NumericGreaterThanEquals', family: 'Numeric', negated: false, compare: ordered(parseNumber, ge) },
  { name: 'DateEquals', family: 'Date', negated: false, compare: ordered(parseDate, eq) },
  { name: 'DateNotEquals', family: 'Date', negated: true, compare: ordered(parseDate, eq) },
  { name: 'DateLessThan', family: 'Date', negated: false, compare: ordered(parseDate, lt) },
  { name: 'DateLessThanEquals', family: 'Date', negated: false, compare: ordered(parseDate, le) },
  { name: 'DateGreaterThan', family: 'Date', negated: false, compare: ordered(parseDate, gt) },
  { name: 'DateGreaterThanEquals', family: 'Date', negated: false, compare: ordered(parseDate, ge) },
  { name: 'Bool', family: 'Bool', negated: false, compare: bool },
  { name: 'IpAddress', family: 'IpAddress', negated: false, compare: ipAddress },
  { name: 'NotIpAddress', family: 'IpAddress', negated: true, compare: ipAddress },
  { name: 'ArnEquals', family: 'Arn', negated: false, compare: arnLike },
  { name: 'ArnLike', family: 'Arn', negated: false, compare: arnLike },
  { name: 'ArnNotEquals', family: 'Arn', negated: true, compare: arnLike },
  { name: 'ArnNotLike', family: 'Arn', negated: true, compare: arnLike },
  { name: 'Null', family: 'Null', negated: false, compare: nullCompare },
];

const BASE_BY_LOWER: ReadonlyMap<string, BaseOperator> = new Map(BASE_LIST.map((op) => [op.name.toLowerCase(), op]));

/** Every base condition operator name (without `ForAnyValue:`/`ForAllValues:` or `IfExists`). */
export const CONDITION_OPERATORS: readonly string[] = BASE_LIST.map((op) => op.name);

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

/** A condition operator split into its parts. */
export interface ConditionOperator {
  /** Canonical spelling, e.g. `ForAllValues:StringLikeIfExists`. */
  name: string;
  qualifier?: SetQualifier;
  base: BaseOperator;
  ifExists: boolean;
}

const QUALIFIERS: SetQualifier[] = ['ForAnyValue', 'ForAllValues'];
const IF_EXISTS = 'ifexists';

/**
 * Parses an operator name (matched case-insensitively, returned in canonical spelling). Undefined when it is not
 * an operator AWS knows, including `NullIfExists`, which AWS rejects.
 */
export function parseConditionOperator(name: string): ConditionOperator | undefined {
  let rest = name.trim().toLowerCase();
  const qualifier = QUALIFIERS.find((q) => rest.startsWith(`${q.toLowerCase()}:`));
  if (qualifier) rest = rest.slice(qualifier.length + 1);
  let base = BASE_BY_LOWER.get(rest);
  let ifExists = false;
  if (!base && rest.endsWith(IF_EXISTS)) {
    base = BASE_BY_LOWER.get(rest.slice(0, -IF_EXISTS.length));
    ifExists = true;
  }
  if (!base || (ifExists && base.family === 'Null')) return undefined;
  const canonical = `${qualifier ? `${qualifier}:` : ''}${base.name}${ifExists ? 'IfExists' : ''}`;
  return { name: canonical, qualifier, base, ifExists };
}

/**
 * Whether `value` is acceptable for the operator family (checked at parse time so a typo fails loudly).
 * Values holding a policy variable are accepted as written: they are only known per request.
 */
export function isValidConditionValue(family: ConditionFamily, value: string): boolean {
  if (value.includes('${')) return true;
  switch (family) {
    case 'Numeric':
      return parseNumber(value) !== undefined;
    case 'Date':
      return parseDate(value) !== undefined;
    case 'Bool':
    case 'Null':
      return parseBool(value) !== undefined;
    case 'IpAddress':
      return parseCidr(value) !== undefined;
    default:
      return true;
  }
}

/** Looks a condition key up in the request: its values, `[]` for an empty multi-valued key, or undefined if absent. */
export type ContextLookup = (key: string) => string[] | undefined;

function satisfies(op: BaseOperator, requestValue: string, policyValues: string[], vars: VariableResolver | undefined): boolean {
  const results = policyValues.map((p) => op.compare(requestValue, p, vars));
  return op.negated ? results.every((r) => r === false) : results.some((r) => r === true);
}

/** Evaluates one `"Operator": { "key": [values] }` pair for one key. */
export function evaluateConditionKey(
  op: ConditionOperator,
  policyValues: string[],
  requestValues: string[] | undefined,
  vars: VariableResolver | undefined,
): boolean {
  const absent = requestValues === undefined || requestValues.length === 0;
  if (op.base.family === 'Null') {
    // "Null": {"key": "true"} — the key is absent; "false" — the key is present.
    return policyValues.some((p) => parseBool(substituteVariables(p, vars) ?? '') === absent);
  }
  if (op.qualifier === 'ForAllValues') {
    return absent || requestValues.every((v) => satisfies(op.base, v, policyValues, vars));
  }
  if (absent) return op.ifExists || (op.qualifier === undefined && op.base.negated);
  if (op.qualifier === 'ForAnyValue') return requestValues.some((v) => satisfies(op.base, v, policyValues, vars));
  // Single-valued use: a positive operator needs one matching request value, a negated one needs none to match.
  return op.base.negated
    ? requestValues.every((v) => satisfies(op.base, v, policyValues, vars))
    : requestValues.some((v) => satisfies(op.base, v, policyValues, vars));
}

/** Evaluates a whole `Condition` block: true when every operator and every key in it holds. */
export function evaluateConditions(block: ConditionBlock, lookup: ContextLookup, vars: VariableResolver | undefined): boolean {
  for (const [operatorName, keys] of Object.entries(block)) {
    const op = parseConditionOperator(operatorName);
    if (!op) return false; // parsePolicy never lets an unknown operator through; be safe for hand-built documents.
    for (const [key, values] of Object.entries(keys)) {
      if (!evaluateConditionKey(op, values, lookup(key), vars)) return false;
    }
  }
  return true;
}
