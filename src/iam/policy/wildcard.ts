/**
 * IAM wildcard patterns (`*` = any run of characters, `?` = exactly one character; both may match `/` and `:`)
 * and policy variables (`${aws:username}`, `${s3:prefix, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`).
 */

const STAR = 0;
const ANY_CHAR = 1;

/** A compiled pattern: literal characters (one code point each) and the two wildcards. */
export type PatternToken = string | typeof STAR | typeof ANY_CHAR;

/** Resolves a policy variable (a condition key such as `aws:username`) to its single value, or undefined. */
export type VariableResolver = (name: string) => string | undefined;

/** A piece of a raw policy string: text written in the policy (wildcards active) or a substituted value (literal). */
interface Segment {
  text: string;
  literal: boolean;
}

const VARIABLE = /^\s*([^\s,}']+)\s*(?:,\s*'([^']*)'\s*)?$/;
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits `raw` into written text and substituted values. Without a resolver (policy Version 2008-10-17) the string
 * is taken as written. Returns undefined when a variable has no value and no default: AWS then treats the element
 * as not matching.
 */
function segments(raw: string, vars: VariableResolver | undefined): Segment[] | undefined {
  if (!vars || !raw.includes('${')) return [{ text: raw, literal: false }];
  const out: Segment[] = [];
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf('${', i);
    const end = start < 0 ? -1 : raw.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      out.push({ text: raw.slice(i), literal: false });
      break;
    }
    if (start > i) out.push({ text: raw.slice(i, start), literal: false });
    const inner = raw.slice(start + 2, end);
    const escaped = ESCAPES[inner];
    const variable = VARIABLE.exec(inner);
    if (escaped !== undefined) {
      out.push({ text: escaped, literal: true });
    } else if (variable) {
      const value = vars(variable[1]) ?? variable[2];
      if (value === undefined) return undefined;
      out.push({ text: value, literal: true });
    } else {
      out.push({ text: raw.slice(start, end + 1), literal: false });
    }
    i = end + 1;
  }
  return out;
}

/** `raw` with its policy variables substituted (for exact-match operators), or undefined if one has no value. */
export function substituteVariables(raw: string, vars: VariableResolver | undefined): string | undefined {
  const segs = segments(raw, vars);
  return segs?.map((s) => s.text).join('');
}

/**
 * Compiles a wildcard pattern, substituting policy variables when `vars` is given. Substituted values and the
 * escapes `${*}`/`${?}` are literal text, never wildcards. Returns undefined if a variable has no value.
 */
export function compilePattern(raw: string, vars?: VariableResolver): PatternToken[] | undefined {
  const segs = segments(raw, vars);
  if (!segs) return undefined;
  const tokens: PatternToken[] = [];
  for (const seg of segs) {
    for (const ch of seg.text) {
      if (!seg.literal && ch === '*') tokens.push(STAR);
      else if (!seg.literal && ch === '?') tokens.push(ANY_CHAR);
      else tokens.push(ch);
    }
  }
  return tokens;
}

/** Whether `value` matches the compiled pattern (greedy matching with backtracking to the last `*`). */
export function matchTokens(pattern: readonly PatternToken[], value: string, ignoreCase = false): boolean {
  const chars = Array.from(ignoreCase ? value.toLowerCase() : value);
  const pat = ignoreCase ? pattern.map((t) => (typeof t === 'string' ? t.toLowerCase() : t)) : pattern;
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < chars.length) {
    const tok = pat[p];
    if (p < pat.length && (tok === ANY_CHAR || tok === chars[v])) {
      p++;
      v++;
    } else if (p < pat.length && tok === STAR) {
      starP = p++;
      starV = v;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pat.length && pat[p] === STAR) p++;
  return p === pat.length;
}

/** Convenience: does `value` match the wildcard pattern `pattern` (no policy variables)? */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return matchTokens(compilePattern(pattern) ?? [], value, ignoreCase);
}

/** Whether a pattern contains a wildcard (`*` or `?`). */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
