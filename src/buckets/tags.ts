import { DomainError } from '../common/domain-error';

/** One tag of a bucket (or of an object, or of a lifecycle filter). */
export interface Tag {
  key: string;
  value: string;
}

/** S3: "A tag set can contain as many as 50 tags, or it can be empty." */
export const MAX_BUCKET_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** "Unicode letters or numbers, white space, and the following symbols: _ . : / = + - @" */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * A bucket's tag set, as S3 checks it: at most 50 tags, unique keys of 1-128 characters, values
 * of 0-256 (counted in UTF-16 units, as S3 does), no `aws:` keys.
 */
export function validateBucketTags(tags: readonly Tag[]): void {
  if (tags.length > MAX_BUCKET_TAGS) {
    throw new DomainError('TooManyTags', `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}`);
  }
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH || !TAG_CHARACTERS.test(key)) {
      throw new DomainError('InvalidTag', 'The TagKey you have provided is invalid', { tagKey: key });
    }
    if (value.length > MAX_TAG_VALUE_LENGTH || !TAG_CHARACTERS.test(value)) {
      throw new DomainError('InvalidTag', 'The TagValue you have provided is invalid', { tagKey: key });
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw new DomainError('InvalidTag', 'System tags cannot be added/updated by requester', { tagKey: key });
    }
    if (seen.has(key)) throw new DomainError('InvalidTag', 'Cannot provide multiple Tags with the same key', { tagKey: key });
    seen.add(key);
  }
}
