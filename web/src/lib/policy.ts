/** Inline validation of a JSON policy document, before the server's own (whose message is shown as it words it). */

export interface JsonProblem {
  message: string;
  line: number;
  column: number;
}

/** Line and column (1-based) of a character offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses JSON; on a syntax error, where it is (from the engine's "position N" or "line L column C"). */
export function parseJson(text: string): { value: unknown } | { problem: JsonProblem } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const msg = (err as Error).message;
    const lc = /line (\d+) column (\d+)/i.exec(msg);
    if (lc) return { problem: { message: msg, line: Number(lc[1]), column: Number(lc[2]) } };
    const pos = /position (\d+)/i.exec(msg);
    // V8 words some errors without a position ("Unexpected token 'x', ... is not valid JSON"): find the token outside strings.
    const token = /Unexpected token '(.)'/.exec(msg);
    const offset = pos ? Number(pos[1]) : token ? outsideStrings(text, token[1]) : -1;
    const at = position(text, offset >= 0 ? offset : text.length);
    return { problem: { message: msg, ...at } };
  }
}

/** The offset of the first `ch` that is not inside a JSON string, or -1. */
function outsideStrings(text: string, ch: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === ch) return i;
    else if (c === '"') inString = true;
  }
  return -1;
}

const EFFECTS = ['Allow', 'Deny'];

/** Structural problems of an IAM/bucket policy document (the server checks the rest). */
export function policyProblems(doc: unknown, kind: 'bucket' | 'identity' = 'bucket'): string[] {
  const out: string[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['The policy must be a JSON object'];
  const d = doc as Record<string, unknown>;
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17')
    out.push('Version must be "2012-10-17" (or "2008-10-17")');
  const st = d.Statement;
  if (st === undefined) return [...out, 'Statement is missing'];
  const list = Array.isArray(st) ? st : [st];
  if (list.length === 0) out.push('Statement is empty');
  list.forEach((s, i) => {
    const at = `Statement[${i}]`;
    if (!s || typeof s !== 'object' || Array.isArray(s)) {
      out.push(`${at} must be an object`);
      return;
    }
    const x = s as Record<string, unknown>;
    if (!EFFECTS.includes(x.Effect as string)) out.push(`${at}.Effect must be "Allow" or "Deny"`);
    if (x.Action === undefined && x.NotAction === undefined) out.push(`${at} needs Action or NotAction`);
    if (x.Resource === undefined && x.NotResource === undefined) out.push(`${at} needs Resource or NotResource`);
    if (kind === 'bucket' && x.Principal === undefined && x.NotPrincipal === undefined)
      out.push(`${at} needs Principal (a bucket policy names who it applies to)`);
  });
  return out;
}
