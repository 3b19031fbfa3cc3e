import { DomainError } from '../../common/domain-error';

/**
 * A policy document was rejected by {@link parsePolicy}. It is a `DomainError('MalformedPolicy')`, so the S3 layer
 * maps it to the `MalformedPolicy` S3 error without extra code.
 *
 * - `message`: the full explanation, naming the statement (0-based) and the offending value, e.g.
 *   `Policy has invalid action: Statement[1]: Action "s3:GetObjekt" is not a valid S3 action`.
 * - `awsMessage`: AWS's own short MalformedPolicy message for the same problem (e.g. `Policy has invalid action`),
 *   for a server that wants to answer exactly like S3.
 */
export class PolicyError extends DomainError {
  constructor(
    readonly awsMessage: string,
    readonly detail?: string,
    /** Index (0-based) of the offending statement, when the problem is inside one. */
    readonly statementIndex?: number,
  ) {
    super('MalformedPolicy', detail ? `${awsMessage}: ${detail}` : awsMessage, statementIndex === undefined ? {} : { statementIndex });
    this.name = 'PolicyError';
  }
}
