import { DomainError } from '../common/domain-error';

export const bucketNotFound = (name: string) => new DomainError('BucketNotFound', `bucket ${name} does not exist`, { bucket: name });
