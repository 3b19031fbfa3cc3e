/**
 * AWS's policy evaluation logic for one request over identity and bucket policies:
 * an explicit Deny in any applicable statement wins; otherwise any applicable Allow allows; otherwise the request
 * is implicitly denied.
 *
 * A statement applies when its principal (bucket policies only), action, resource and condition all match:
 * - Principal: `"*"` / `{"AWS": "*"}` is everyone, anonymous included; an account id or
 *   `arn:aws:iam::<account>:root` is every user of that account; a user ARN is that user. NotPrincipal applies to
 *   everyone the list does not name (a user counts as named when its ARN or its account is listed).
 * - Action / NotAction: `*` and `?` wildcards, case-insensitive.
 * - Resource / NotResource: `*` and `?` wildcards, case-sensitive, with policy variables under Version 2012-10-17.
 * - Condition: see `conditions.ts`.
 *
 * Not modelled here (the caller's job): the cross-account rule that needs BOTH an identity-policy and a
 * bucket-policy Allow, ACLs, and tenant boundaries. The caller passes only the caller's own identity policies.
 */
import { accountRootArn } from './arn';
import { evaluateConditions, parseDate, type ContextLookup } from './conditions';
import {
  POLICY_VERSION_2012,
  type ContextValue,
  type Decision,
  type PolicyInput,
  type PolicyKind,
  type PolicyStatement,
  type PrincipalSpec,
  type RequestContext,
  type RequestPrincipal,
} from './policy.types';
import { compilePattern, matchTokens, wildcardMatch, type VariableResolver } from './wildcard';

/** What one statement says about a request. */
export type StatementOutcome = 'Allow' | 'Deny' | 'NotApplicable';

/** The decision plus the statement that made it (the first Deny, else the first Allow). */
export interface EvaluationResult {
  decision: Decision;
  matched?: { policyIndex: number; statementIndex: number; kind: PolicyKind; sid?: string };
}

/** The request, prepared once for all statements. */
interface PreparedRequest {
  ctx: RequestContext;
  lookup: ContextLookup;
  vars: VariableResolver;
}

function toValues(v: ContextValue): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

/** Condition keys the evaluator fills in from the principal when the caller did not. */
function derivedContext(principal: RequestPrincipal): Record<string, string> {
  if (principal.kind === 'anonymous') return { 'aws:principaltype': 'Anonymous', 'aws:userid': 'anonymous' };
  return {
    'aws:principaltype': 'User',
    'aws:username': principal.username,
    'aws:userid': principal.userId,
    'aws:principalarn': principal.arn,
    'aws:principalaccount': principal.account,
  };
}

function prepare(ctx: RequestContext): PreparedRequest {
  const map = new Map<string, string[]>();
  for (const [k, v] of Object.entries(derivedContext(ctx.principal))) map.set(k, [v]);
  for (const [k, v] of Object.entries(ctx.context)) {
    const values = toValues(v);
    if (values !== undefined) map.set(k.toLowerCase(), values);
  }
  // aws:CurrentTime and aws:EpochTime describe the same instant: fill in whichever is missing.
  const current = map.get('aws:currenttime');
  const epoch = map.get('aws:epochtime');
  if (current?.length === 1 && !epoch) {
    const ms = parseDate(current[0]);
    if (ms !== undefined) map.set('aws:epochtime', [String(Math.floor(ms / 1000))]);
  } else if (epoch?.length === 1 && !current && /^\d+$/.test(epoch[0])) {
    map.set('aws:currenttime', [new Date(Number(epoch[0]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')]);
  }
  const lookup: ContextLookup = (key) => map.get(key.toLowerCase());
  const vars: VariableResolver = (name) => {
    const values = lookup(name);
    return values?.length === 1 ? values[0] : undefined;
  };
  return { ctx, lookup, vars };
}

/** Whether a Principal/NotPrincipal element names the requester. */
export function principalMatches(spec: PrincipalSpec, principal: RequestPrincipal): boolean {
  if (spec === '*' || spec.AWS?.includes('*')) return true;
  if (principal.kind === 'anonymous') return false;
  const root = accountRootArn(principal.account);
  if (spec.AWS?.some((v) => v === principal.arn || v === principal.account || v === root)) return true;
  return principal.canonicalId !== undefined && (spec.CanonicalUser?.includes(principal.canonicalId) ?? false);
}

function anyActionMatches(patterns: string[], action: string): boolean {
  return patterns.some((p) => wildcardMatch(p, action, true));
}

/** A pattern whose policy variable has no value matches nothing. */
function anyResourceMatches(patterns: string[], resource: string, vars: VariableResolver | undefined): boolean {
  return patterns.some((p) => {
    const tokens = compilePattern(p, vars);
    return tokens !== undefined && matchTokens(tokens, resource);
  });
}

function statementOutcome(statement: PolicyStatement, kind: PolicyKind, version: string, req: PreparedRequest): StatementOutcome {
  const { ctx } = req;
  if (kind === 'bucket') {
    if (statement.Principal !== undefined) {
      if (!principalMatches(statement.Principal, ctx.principal)) return 'NotApplicable';
    } else if (statement.NotPrincipal !== undefined) {
      if (principalMatches(statement.NotPrincipal, ctx.principal)) return 'NotApplicable';
    } else {
      return 'NotApplicable'; // a bucket-policy statement without a principal grants nothing
    }
  }

  if (statement.Action ? !anyActionMatches(statement.Action, ctx.action) : anyActionMatches(statement.NotAction ?? [], ctx.action)) {
    return 'NotApplicable';
  }

  const vars = version === POLICY_VERSION_2012 ? req.vars : undefined;
  if (
    statement.Resource
      ? !anyResourceMatches(statement.Resource, ctx.resource, vars)
      : anyResourceMatches(statement.NotResource ?? [], ctx.resource, vars)
  ) {
    return 'NotApplicable';
  }

  if (statement.Condition && !evaluateConditions(statement.Condition, req.lookup, vars)) return 'NotApplicable';
  return statement.Effect;
}

/**
 * What one statement says about a request: its Effect if it applies, else 'NotApplicable'.
 * `kind` decides whether the principal is checked (bucket) or implied (identity); `version` is the document's
 * Version (default 2012-10-17; policy variables are substituted only under 2012-10-17).
 */
export function evaluateStatement(
  statement: PolicyStatement,
  ctx: RequestContext,
  options: { kind: PolicyKind; version?: string },
): StatementOutcome {
  return statementOutcome(statement, options.kind, options.version ?? POLICY_VERSION_2012, prepare(ctx));
}

/** Evaluates all policies for a request and says which statement decided. */
export function evaluateWithReason(policies: readonly PolicyInput[], ctx: RequestContext): EvaluationResult {
  const req = prepare(ctx);
  let allow: EvaluationResult['matched'];
  for (const [policyIndex, { kind, document }] of policies.entries()) {
    for (const [statementIndex, statement] of document.Statement.entries()) {
      const outcome = statementOutcome(statement, kind, document.Version, req);
      if (outcome === 'NotApplicable') continue;
      const matched = { policyIndex, statementIndex, kind, ...(statement.Sid !== undefined ? { sid: statement.Sid } : {}) };
      if (outcome === 'Deny') return { decision: 'ExplicitDeny', matched };
      allow ??= matched;
    }
  }
  return allow ? { decision: 'Allow', matched: allow } : { decision: 'ImplicitDeny' };
}

/**
 * The decision for a request over the given identity and bucket policies (AWS order: explicit Deny, then Allow,
 * then implicit deny). Pure: the time, source IP etc. come in through `ctx.context`.
 */
export function evaluate(policies: readonly PolicyInput[], ctx: RequestContext): Decision {
  return evaluateWithReason(policies, ctx).decision;
}
