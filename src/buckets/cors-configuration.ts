import { DomainError } from '../common/domain-error';

/** The methods a CORS rule may allow (S3 refuses any other, OPTIONS included). */
export const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;
export const MAX_CORS_RULES = 100;
const MAX_RULE_ID_LENGTH = 255;

/** One CORSRule of a bucket's CORS configuration, as given (order and case kept). */
export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

const wildcards = (s: string) => s.split('*').length - 1;

/** S3's checks of PutBucketCors: 1-100 rules, known methods, at most one `*` per origin and header, none in ExposeHeader. */
export function validateCorsRules(rules: readonly CorsRule[]): void {
  if (rules.length === 0 || rules.length > MAX_CORS_RULES) {
    throw new DomainError('MalformedConfiguration', `A CORS configuration holds 1 to ${MAX_CORS_RULES} rules.`);
  }
  for (const rule of rules) {
    if (rule.allowedOrigins.length === 0 || rule.allowedMethods.length === 0) {
      throw new DomainError('MalformedConfiguration', 'Each CORSRule must identify at least one origin and one method.');
    }
    if (rule.id !== undefined && rule.id.length > MAX_RULE_ID_LENGTH) {
      throw new DomainError('InvalidArgument', `ID length should not exceed allowed limit of ${MAX_RULE_ID_LENGTH}`);
    }
    for (const method of rule.allowedMethods) {
      if (!(CORS_METHODS as readonly string[]).includes(method)) {
        throw new DomainError('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
      }
    }
    for (const origin of rule.allowedOrigins) {
      if (wildcards(origin) > 1) throw new DomainError('InvalidRequest', `AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const h of rule.allowedHeaders) {
      if (wildcards(h) > 1) throw new DomainError('InvalidRequest', `AllowedHeader "${h}" can not have more than one wildcard.`);
    }
    for (const h of rule.exposeHeaders) {
      if (h.includes('*')) {
        throw new DomainError(
          'InvalidRequest',
          `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
        );
      }
    }
    if (rule.maxAgeSeconds !== undefined && (!Number.isSafeInteger(rule.maxAgeSeconds) || rule.maxAgeSeconds < 0)) {
      throw new DomainError('MalformedConfiguration', 'MaxAgeSeconds must be a non-negative integer.');
    }
  }
}
