/** The lifecycle rule builder: a form's values → one rule in the API's (S3) shape. */
export interface RuleForm {
  id: string;
  prefix: string;
  expirationDays: string;
  noncurrentDays: string;
  abortDays: string;
  enabled: boolean;
}

export function buildRule(f: RuleForm): Record<string, unknown> {
  const n = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const rule: Record<string, unknown> = {
    ID: f.id.trim() || undefined,
    Status: f.enabled ? 'Enabled' : 'Disabled',
    Filter: { Prefix: f.prefix },
  };
  if (n(f.expirationDays) !== undefined) rule.Expiration = { Days: n(f.expirationDays) };
  if (n(f.noncurrentDays) !== undefined) rule.NoncurrentVersionExpiration = { NoncurrentDays: n(f.noncurrentDays) };
  if (n(f.abortDays) !== undefined) rule.AbortIncompleteMultipartUpload = { DaysAfterInitiation: n(f.abortDays) };
  return JSON.parse(JSON.stringify(rule));
}

/** Problems of the form before it becomes a rule. */
export function ruleProblems(f: RuleForm): string[] {
  const out: string[] = [];
  const days = [f.expirationDays, f.noncurrentDays, f.abortDays];
  if (days.every((d) => d.trim() === ''))
    out.push('Give at least one action: expiration, noncurrent expiration or abort of incomplete uploads');
  for (const [label, v] of [
    ['Expiration days', f.expirationDays],
    ['Noncurrent days', f.noncurrentDays],
    ['Abort after days', f.abortDays],
  ] as const) {
    if (v.trim() !== '' && (!Number.isInteger(Number(v)) || Number(v) < 1)) out.push(`${label} must be a whole number of days, 1 or more`);
  }
  return out;
}

/** Appends (or replaces, by ID) a rule in a lifecycle configuration. */
export function addRule(
  config: { Rules?: Record<string, unknown>[] } | null,
  rule: Record<string, unknown>,
): { Rules: Record<string, unknown>[] } {
  const rules = [...(config?.Rules ?? [])];
  const i = rule.ID ? rules.findIndex((r) => r.ID === rule.ID) : -1;
  if (i >= 0) rules[i] = rule;
  else rules.push(rule);
  return { Rules: rules };
}
