import type { Due } from '../../lifecycle/lifecycle-rules';

/**
 * `x-amz-expiration: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`.
 * S3 documents the rule id as URL-encoded but sends plain ids as they are; one a header cannot
 * carry as is (quotes, non-ASCII) is percent-encoded here.
 */
export function expirationHeader(due: Due | undefined): string | undefined {
  if (!due) return undefined;
  const id = /^[\x20-\x21\x23-\x7e]*$/.test(due.ruleId) ? due.ruleId : encodeURIComponent(due.ruleId);
  return `expiry-date="${new Date(due.at).toUTCString()}", rule-id="${id}"`;
}
