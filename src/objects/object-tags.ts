import { DomainError } from '../common/domain-error';

/** Object tags as stored: key → value (a JSON object, so lifecycle rules can filter on it). */
export type ObjectTags = Record<string, string>;

export const MAX_OBJECT_TAGS = 10;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** Letters, digits, white space and + - = . _ : / @ (any script), as S3 allows. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}+\-=._:/@]*$/u;

const invalid = (message: string) => new DomainError('InvalidTag', message);

/**
 * Validates a tag set with S3's rules (at most 10 tags, keys 1..128 and values 0..256 characters,
 * unique keys, allowed characters, no `aws:` prefix) and returns it as stored.
 */
export function validateTags(pairs: Array<[string, string]>): ObjectTags {
  if (pairs.length > MAX_OBJECT_TAGS) throw invalid(`Object tags cannot be greater than ${MAX_OBJECT_TAGS}`);
  const tags = new Map<string, string>();
  for (const [key, value] of pairs) {
    const keyLength = [...key].length;
    if (keyLength === 0 || !TAG_CHARS.test(key)) throw invalid('The TagKey you have provided is invalid');
    if (keyLength > MAX_TAG_KEY_LENGTH) throw invalid(`The TagKey you have provided is too long, max ${MAX_TAG_KEY_LENGTH}`);
    if (key.toLowerCase().startsWith('aws:')) throw invalid('Your TagKey cannot be prefixed with aws:');
    if (!TAG_CHARS.test(value)) throw invalid('The TagValue you have provided is invalid');
    if ([...value].length > MAX_TAG_VALUE_LENGTH) throw invalid(`The TagValue you have provided is too long, max ${MAX_TAG_VALUE_LENGTH}`);
    if (tags.has(key)) throw invalid('Cannot provide multiple Tags with the same key');
    tags.set(key, value);
  }
  // fromEntries defines own properties: a key like `__proto__` stays an ordinary tag.
  return Object.fromEntries(tags);
}

export const tagCount = (tags: ObjectTags | null | undefined): number => (tags ? Object.keys(tags).length : 0);
