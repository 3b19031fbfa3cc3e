/**
 * "Is this bucket policy public?" for GetBucketPolicyStatus (and Block Public Access), following AWS's
 * "The meaning of public" rules.
 *
 * A policy is public when some Allow statement grants to everyone (`"*"`, `{"AWS": "*"}`, or any NotPrincipal)
 * without a condition that pins one of the narrowing keys to fixed values:
 * - `aws:SourceIp` (IpAddress) with CIDR blocks no wider than /8 (IPv4) or /32 (IPv6);
 * - `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`, `aws:SourceAccount`, `aws:userid`,
 *   `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, `s3:DataAccessPointArn`,
 *   `s3:DataAccessPointAccount`, `s3:x-amz-server-side-encryption-aws-kms-key-id` with a positive String/Arn
 *   operator and values without wildcards or policy variables.
 * `…IfExists`, `ForAllValues:` and negated operators never narrow (they let requests without the key through).
 */
import { parseConditionOperator } from './conditions';
import { parseCidr } from './ip';
import type { ConditionBlock, PolicyDocument, PolicyStatement } from './policy.types';
import { hasWildcard } from './wildcard';

const FIXED_VALUE_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:userid',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((k) => k.toLowerCase()),
);
const SOURCE_IP = 'aws:sourceip';
const MIN_PREFIX = { 4: 8, 6: 32 } as const;

function isFixed(value: string): boolean {
  return !hasWildcard(value) && !value.includes('${');
}

function isNarrowCidr(value: string): boolean {
  const block = value.includes('${') ? undefined : parseCidr(value);
  return block !== undefined && block.prefix >= MIN_PREFIX[block.version];
}

/** Whether a Condition block restricts the statement to fixed, non-public values of a narrowing key. */
function narrows(condition: ConditionBlock | undefined): boolean {
  if (!condition) return false;
  for (const [operatorName, keys] of Object.entries(condition)) {
    const op = parseConditionOperator(operatorName);
    if (!op || op.ifExists || op.qualifier === 'ForAllValues' || op.base.negated) continue;
    for (const [key, values] of Object.entries(keys)) {
      const k = key.toLowerCase();
      if (k === SOURCE_IP && op.base.family === 'IpAddress' && values.every(isNarrowCidr)) return true;
      if (FIXED_VALUE_KEYS.has(k) && (op.base.family === 'String' || op.base.family === 'Arn') && values.every(isFixed)) return true;
    }
  }
  return false;
}

function grantsToEveryone(statement: PolicyStatement): boolean {
  if (statement.NotPrincipal !== undefined) return true;
  const p = statement.Principal;
  return p === '*' || (p?.AWS?.includes('*') ?? false);
}

/** Whether a statement alone makes its policy public. */
export function isPublicStatement(statement: PolicyStatement): boolean {
  return statement.Effect === 'Allow' && grantsToEveryone(statement) && !narrows(statement.Condition);
}

/** AWS's `PolicyStatus.IsPublic` for a bucket policy. */
export function isPublicPolicy(doc: PolicyDocument): boolean {
  return doc.Statement.some(isPublicStatement);
}
