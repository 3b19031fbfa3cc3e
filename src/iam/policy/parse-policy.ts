/**
 * Validation and normalization of bucket and identity policies, with AWS's MalformedPolicy messages.
 *
 * Decisions (where AWS leaves room or where we are stricter):
 * - `Version` must be `2012-10-17` or `2008-10-17`; when it is missing the document gets `2008-10-17`, AWS's
 *   default, under which policy variables are NOT substituted.
 * - Unknown top-level or statement fields are rejected (`Unknown field …`), so typos such as `Actions` fail loudly.
 *   A console API that wraps a policy (e.g. `{ "name": …, "Statement": … }`) must unwrap it first.
 * - Actions: `*`, or `s3:<name>` where `<name>` is an action of {@link S3_ACTIONS} (any case) or a wildcard pattern
 *   matching at least one of them. Identity policies may also name other services' actions (`iam:*`,
 *   `sts:GetCallerIdentity`): they are kept and simply never match an S3 request, as in AWS. Bucket policies
 *   accept S3 actions only.
 * - Resources: bucket policies need `arn:aws:s3:::…` ARNs, inside `opts.bucket` when it is given; identity
 *   policies need `*` or an ARN.
 * - Principals (bucket policies): `"*"`, or `{"AWS": …}` with `*`, an account id, `arn:aws:iam::<account>:root`,
 *   or a user/role ARN; `CanonicalUser`, `Service` and `Federated` take any non-empty string. Partial wildcards
 *   (`arn:aws:iam::123:user/*`) are rejected, as AWS does.
 * - Bucket policies: at most 20 KiB (UTF-8 bytes of the JSON as sent), and each statement's actions must apply to
 *   at least one of its resources (`Action does not apply to any resource(s) in statement`).
 * - Condition keys are checked for shape (`service:name`), not against a list: unknown keys are absent at
 *   evaluation time. Values of Numeric/Date/Bool/IpAddress/Null operators must parse.
 */
import { S3_ARN_PREFIX } from './arn';
import { isValidConditionValue, parseConditionOperator } from './conditions';
import { PolicyError } from './policy.errors';
import {
  POLICY_VERSION_2008,
  POLICY_VERSION_2012,
  type ConditionBlock,
  type PolicyDocument,
  type PolicyKind,
  type PolicyStatement,
  type PrincipalSpec,
  type PrincipalType,
} from './policy.types';
import { canonicalS3Action, S3_ACTIONS, s3ActionResourceType, type S3ResourceType } from './s3-actions';
import { hasWildcard, wildcardMatch } from './wildcard';

export interface ParsePolicyOptions {
  /** For bucket policies: the bucket the policy is attached to; every resource must be in it. */
  bucket?: string;
}

/** AWS's size limit for a bucket policy. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

/** AWS's MalformedPolicy messages, kept in one place. */
export const POLICY_MESSAGES = {
  notJson: "Policies must be valid JSON and the first byte must be '{'",
  invalidJson: 'This policy contains invalid Json',
  tooLarge: 'Policy exceeds the maximum allowed document size',
  invalidVersion: 'The policy must contain a valid version string',
  missingStatement: 'Missing required field Statement',
  missingEffect: 'Missing required field Effect',
  invalidEffect: 'Invalid effect',
  missingPrincipal: 'Missing required field Principal',
  principalInIdentityPolicy: 'Policy document should not specify a principal.',
  invalidPrincipal: 'Invalid principal in policy',
  missingAction: 'Missing required field Action',
  invalidAction: 'Policy has invalid action',
  missingResource: 'Missing required field Resource',
  invalidResource: 'Policy has invalid resource',
  actionResourceMismatch: 'Action does not apply to any resource(s) in statement',
  invalidConditionType: 'Invalid Condition type',
  invalidConditionKey: 'Policy has an invalid condition key',
  invalidConditionValue: 'Policy has an invalid condition value',
  duplicateSid: 'Statement IDs (SID) in a single policy must be unique.',
  syntax: 'Invalid policy syntax.',
  unknownField: 'Unknown field',
} as const;

const M = POLICY_MESSAGES;
const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES: readonly PrincipalType[] = ['AWS', 'CanonicalUser', 'Service', 'Federated'];
const ACTION = /^([A-Za-z0-9-]+):(.+)$/;
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IAM_PRINCIPAL_ARN = /^arn:aws:(iam|sts)::([^:\s]+):(root|(user|role|assumed-role|federated-user)\/\S+)$/;
const CONDITION_KEY = /^[A-Za-z0-9.-]+:\S+$/;

/**
 * Parses and validates a policy JSON string. Throws {@link PolicyError} (a `DomainError('MalformedPolicy')`) naming
 * the problem; statement indexes in messages are 0-based.
 */
export function parsePolicy(json: string, kind: PolicyKind, opts: ParsePolicyOptions = {}): PolicyDocument {
  if (kind === 'bucket') {
    const size = Buffer.byteLength(json, 'utf8');
    if (size > MAX_BUCKET_POLICY_BYTES) throw new PolicyError(M.tooLarge, `${size} bytes, the limit is ${MAX_BUCKET_POLICY_BYTES}`);
  }
  const text = json.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{')) throw new PolicyError(M.notJson);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(M.invalidJson, err instanceof Error ? err.message : undefined);
  }
  return parsePolicyObject(raw, kind, opts);
}

/** Like {@link parsePolicy}, for a document that is already parsed JSON (e.g. a console request body). */
export function parsePolicyObject(raw: unknown, kind: PolicyKind, opts: ParsePolicyOptions = {}): PolicyDocument {
  if (!isObject(raw)) throw new PolicyError(M.notJson);
  for (const field of Object.keys(raw)) {
    if (!DOCUMENT_FIELDS.has(field)) throw new PolicyError(`${M.unknownField} ${field}`);
  }
  const version = raw.Version === undefined ? POLICY_VERSION_2008 : raw.Version;
  if (version !== POLICY_VERSION_2012 && version !== POLICY_VERSION_2008) {
    throw new PolicyError(M.invalidVersion, `Version ${JSON.stringify(version)} is not ${POLICY_VERSION_2012} or ${POLICY_VERSION_2008}`);
  }
  if (raw.Id !== undefined && typeof raw.Id !== 'string') throw new PolicyError(M.syntax, 'Id must be a string');
  const rawStatements = raw.Statement === undefined ? [] : Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  if (rawStatements.length === 0) throw new PolicyError(M.missingStatement);

  const statements = rawStatements.map((s, i) => parseStatement(s, i, kind, opts));
  const sids = new Set<string>();
  statements.forEach((s, i) => {
    if (s.Sid === undefined || s.Sid === '') return;
    if (sids.has(s.Sid)) throw new PolicyError(M.duplicateSid, `Statement[${i}]: Sid "${s.Sid}" is used twice`, i);
    sids.add(s.Sid);
  });

  return typeof raw.Id === 'string' ? { Version: version, Id: raw.Id, Statement: statements } : { Version: version, Statement: statements };
}

function parseStatement(raw: unknown, index: number, kind: PolicyKind, opts: ParsePolicyOptions): PolicyStatement {
  const at = `Statement[${index}]`;
  const fail = (awsMessage: string, detail?: string): never => {
    throw new PolicyError(awsMessage, detail ? `${at}: ${detail}` : at, index);
  };
  if (!isObject(raw)) return fail(M.syntax, 'a statement must be a JSON object');
  for (const field of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(field)) fail(`${M.unknownField} ${field}`);
  }

  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') fail(M.syntax, 'Sid must be a string');
  if (raw.Effect === undefined) fail(M.missingEffect);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')
    fail(`${M.invalidEffect}: ${String(raw.Effect)}`, 'Effect must be "Allow" or "Deny"');
  const statement: PolicyStatement = { Effect: raw.Effect as 'Allow' | 'Deny' };
  if (typeof raw.Sid === 'string') statement.Sid = raw.Sid;

  // Principal / NotPrincipal
  const hasPrincipal = raw.Principal !== undefined;
  const hasNotPrincipal = raw.NotPrincipal !== undefined;
  if (kind === 'identity') {
    if (hasPrincipal || hasNotPrincipal) fail(M.principalInIdentityPolicy);
  } else {
    if (!hasPrincipal && !hasNotPrincipal) fail(M.missingPrincipal);
    if (hasPrincipal && hasNotPrincipal) fail(M.syntax, 'Principal and NotPrincipal cannot both be present');
    if (hasPrincipal) statement.Principal = parsePrincipal(raw.Principal, `${at}: Principal`, index);
    else statement.NotPrincipal = parsePrincipal(raw.NotPrincipal, `${at}: NotPrincipal`, index);
  }

  // Action / NotAction
  if (raw.Action !== undefined && raw.NotAction !== undefined) fail(M.syntax, 'Action and NotAction cannot both be present');
  if (raw.Action === undefined && raw.NotAction === undefined) fail(M.missingAction);
  const actionField = raw.Action !== undefined ? 'Action' : 'NotAction';
  const actions = stringList(raw[actionField]);
  if (!actions) return fail(M.invalidAction, `${actionField} must be a non-empty string or array of non-empty strings`);
  for (const action of actions) {
    const problem = actionProblem(action, kind);
    if (problem) fail(M.invalidAction, `${actionField} "${action}" ${problem}`);
  }
  statement[actionField] = actions;

  // Resource / NotResource
  if (raw.Resource !== undefined && raw.NotResource !== undefined) fail(M.syntax, 'Resource and NotResource cannot both be present');
  if (raw.Resource === undefined && raw.NotResource === undefined) fail(M.missingResource);
  const resourceField = raw.Resource !== undefined ? 'Resource' : 'NotResource';
  const resources = stringList(raw[resourceField]);
  if (!resources) return fail(M.invalidResource, `${resourceField} must be a non-empty string or array of non-empty strings`);
  for (const resource of resources) {
    const problem = resourceProblem(resource, kind, opts);
    if (problem) fail(M.invalidResource, `${resourceField} "${resource}" ${problem}`);
  }
  statement[resourceField] = resources;

  if (kind === 'bucket' && statement.Action && statement.Resource && !actionsApplyToResources(statement.Action, statement.Resource)) {
    fail(M.actionResourceMismatch, `none of ${JSON.stringify(statement.Action)} applies to ${JSON.stringify(statement.Resource)}`);
  }

  if (raw.Condition !== undefined) statement.Condition = parseCondition(raw.Condition, at, index);
  return statement;
}

function parsePrincipal(raw: unknown, at: string, index: number): PrincipalSpec {
  const fail = (detail: string): never => {
    throw new PolicyError(M.invalidPrincipal, `${at} ${detail}`, index);
  };
  if (raw === '*') return '*';
  if (!isObject(raw)) return fail('must be "*" or an object such as {"AWS": "<account-id>"}');
  const entries = Object.entries(raw);
  if (entries.length === 0) fail('is empty');
  const spec: Exclude<PrincipalSpec, '*'> = {};
  for (const [type, value] of entries) {
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) fail(`has an unknown principal type "${type}"`);
    const values = stringList(value);
    if (!values) return fail(`${type} must be a non-empty string or array of non-empty strings`);
    if (type === 'AWS') {
      for (const v of values) {
        if (v !== '*' && (hasWildcard(v) || (!ACCOUNT_ID.test(v) && !IAM_PRINCIPAL_ARN.test(v)))) {
          fail(`AWS "${v}" is not "*", an account id, or an IAM user/role/root ARN without wildcards`);
        }
      }
    }
    spec[type as PrincipalType] = values;
  }
  return spec;
}

/** Why an action is invalid, or undefined if it is fine. */
function actionProblem(action: string, kind: PolicyKind): string | undefined {
  if (action === '*') return undefined;
  const m = ACTION.exec(action);
  if (!m) return 'is not of the form "service:action"';
  if (m[1].toLowerCase() !== 's3') return kind === 'bucket' ? 'is not an S3 action' : undefined;
  if (hasWildcard(m[2])) return S3_ACTIONS.some((a) => wildcardMatch(action, a, true)) ? undefined : 'does not match any S3 action';
  return canonicalS3Action(action) ? undefined : 'is not a valid S3 action';
}

/** Why a resource is invalid, or undefined if it is fine. */
function resourceProblem(resource: string, kind: PolicyKind, opts: ParsePolicyOptions): string | undefined {
  if (kind === 'identity') {
    if (resource === '*') return undefined;
    return resource.startsWith('arn:') && resource.split(':').length >= 6 ? undefined : 'must be in ARN format or "*"';
  }
  if (!resource.startsWith(S3_ARN_PREFIX)) return `is not an S3 ARN (${S3_ARN_PREFIX}…)`;
  if (opts.bucket === undefined) return undefined;
  const bucketArn = `${S3_ARN_PREFIX}${opts.bucket}`;
  return resource === bucketArn || resource.startsWith(`${bucketArn}/`) ? undefined : `is outside bucket "${opts.bucket}"`;
}

/** The kinds of S3 resource a Resource pattern can match. */
function resourceTypes(resource: string): Set<S3ResourceType> {
  if (resource === '*') return new Set<S3ResourceType>(['service', 'bucket', 'object']);
  const rest = resource.slice(S3_ARN_PREFIX.length);
  const types = new Set<S3ResourceType>();
  if (/^\**$/.test(rest)) types.add('service');
  if (rest !== '' && !rest.includes('/')) types.add('bucket');
  if (rest.includes('/') || hasWildcard(rest)) types.add('object');
  return types;
}

function actionsApplyToResources(actions: string[], resources: string[]): boolean {
  const wanted = new Set<S3ResourceType>();
  for (const action of actions) {
    for (const known of S3_ACTIONS) {
      if (wildcardMatch(action, known, true)) wanted.add(s3ActionResourceType(known));
    }
  }
  return resources.some((r) => [...resourceTypes(r)].some((t) => wanted.has(t)));
}

function parseCondition(raw: unknown, at: string, index: number): ConditionBlock {
  const fail = (awsMessage: string, detail: string): never => {
    throw new PolicyError(awsMessage, `${at}: ${detail}`, index);
  };
  if (!isObject(raw)) return fail(M.syntax, 'Condition must be an object');
  const block: ConditionBlock = {};
  for (const [operatorName, rawKeys] of Object.entries(raw)) {
    const op = parseConditionOperator(operatorName);
    if (!op) return fail(`${M.invalidConditionType} : ${operatorName}`, `"${operatorName}" is not a condition operator`);
    if (block[op.name]) fail(M.syntax, `condition operator ${op.name} appears twice`);
    if (!isObject(rawKeys) || Object.keys(rawKeys).length === 0) {
      return fail(M.syntax, `${op.name} must map condition keys to values`);
    }
    const keys: Record<string, string[]> = {};
    for (const [key, rawValues] of Object.entries(rawKeys)) {
      if (!CONDITION_KEY.test(key)) fail(M.invalidConditionKey, `${op.name} key "${key}" is not of the form "service:name"`);
      const values = conditionValues(rawValues);
      if (!values)
        return fail(M.invalidConditionValue, `${op.name} "${key}" needs a string, number or boolean, or a non-empty array of them`);
      for (const v of values) {
        if (!isValidConditionValue(op.base.family, v))
          fail(M.invalidConditionValue, `${op.name} "${key}" value "${v}" is not a valid ${op.base.family} value`);
      }
      keys[key] = values;
    }
    block[op.name] = keys;
  }
  return block;
}

function conditionValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return undefined;
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out.push(String(v));
    else return undefined;
  }
  return out;
}

/** A string or a non-empty array of non-empty strings, as an array; undefined otherwise. */
function stringList(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v !== '')) return undefined;
  return list;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
