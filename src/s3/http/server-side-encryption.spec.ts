import { SecretBox } from '../../iam/secret-box';
import { S3Error } from '../errors/s3-error';
import { encryptionResponseHeaders, readEncryptionRequest, readKmsContext } from './server-side-encryption';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('SSE-KMS request headers', () => {
  it('reads key id, canonical context and bucket key flag', () => {
    expect(
      readEncryptionRequest({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': 'alias/app',
        'x-amz-server-side-encryption-context': b64('{"b":"2","a":"1"}'),
        'x-amz-server-side-encryption-bucket-key-enabled': 'TRUE',
      }),
    ).toEqual({ mode: 'aws:kms', keyId: 'alias/app', context: '{"a":"1","b":"2"}', bucketKeyEnabled: true });
    expect(readEncryptionRequest({ 'x-amz-server-side-encryption': 'aws:kms' })).toEqual({ mode: 'aws:kms' });
  });

  it('refuses a context that is not base64 JSON of strings, and KMS headers without aws:kms', () => {
    for (const bad of ['not base64!', b64('[1]'), b64('{"a":1}'), b64('nope')]) {
      expect(() => readKmsContext(bad)).toThrow(S3Error);
    }
    expect(() => readEncryptionRequest({ 'x-amz-server-side-encryption-aws-kms-key-id': 'k' })).toThrow(S3Error);
    expect(() =>
      readEncryptionRequest({ 'x-amz-server-side-encryption': 'AES256', 'x-amz-server-side-encryption-aws-kms-key-id': 'k' }),
    ).toThrow(S3Error);
  });

  it('answers the KMS headers of an object', () => {
    expect(
      encryptionResponseHeaders({ mode: 'aws:kms', kmsKeyId: 'id', kmsKeyArn: 'arn:x', kmsContext: '{"a":"1"}', bucketKeyEnabled: true }),
    ).toEqual({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'arn:x',
      'x-amz-server-side-encryption-context': b64('{"a":"1"}'),
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
    });
  });
});

describe('SecretBox during a master-key rotation', () => {
  it('opens with a previous key, seals with the current one, reseals', () => {
    const oldKey = Buffer.alloc(32, 1);
    const newKey = Buffer.alloc(32, 2);
    const sealedOld = new SecretBox(oldKey).seal('secret');
    const both = new SecretBox(newKey, [oldKey]);
    expect(both.open(sealedOld)).toBe('secret');
    const resealed = both.reseal(sealedOld);
    expect(new SecretBox(newKey).open(resealed)).toBe('secret');
    expect(() => new SecretBox(newKey).open(sealedOld)).toThrow();
  });
});
