import { S3Error } from '../errors/s3-error';
import { OPERATIONS } from './operations';
import { parseAddress, resolveOperation } from './resolve-operation';

function route(method: string, target: string, headers: string[] = [], host = 'localhost:9000', domains: string[] = ['s3.local']) {
  const [rawPath, qs = ''] = target.split('?');
  const names = new Set(new URLSearchParams(qs).keys());
  return resolveOperation({ method, host, rawPath, queryNames: names, hasHeader: (h) => headers.includes(h), domains });
}

describe('resolveOperation', () => {
  const table: Array<[string, string, string[], string]> = [
    ['GET', '/', [], 'ListBuckets'],
    ['PUT', '/b', [], 'CreateBucket'],
    ['HEAD', '/b', [], 'HeadBucket'],
    ['DELETE', '/b', [], 'DeleteBucket'],
    ['GET', '/b', [], 'ListObjects'],
    ['GET', '/b/', [], 'ListObjects'],
    ['GET', '/b?list-type=2&prefix=a', [], 'ListObjectsV2'],
    ['GET', '/b?location', [], 'GetBucketLocation'],
    ['GET', '/b?uploads', [], 'ListMultipartUploads'],
    ['POST', '/b?delete', [], 'DeleteObjects'],
    ['GET', '/b?tagging', [], 'GetBucketTagging'],
    ['GET', '/b?versioning', [], 'GetBucketVersioning'],
    ['GET', '/b?cors', [], 'GetBucketCors'],
    ['PUT', '/b?lifecycle', [], 'PutBucketLifecycleConfiguration'],
    ['DELETE', '/b?tagging', [], 'DeleteBucketTagging'],
    ['OPTIONS', '/b', [], 'OptionsBucket'],
    ['OPTIONS', '/b/k', [], 'OptionsObject'],
    ['PUT', '/b/k', [], 'PutObject'],
    ['PUT', '/b/k', ['x-amz-copy-source'], 'CopyObject'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', [], 'UploadPart'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', ['x-amz-copy-source'], 'UploadPartCopy'],
    ['GET', '/b/k', [], 'GetObject'],
    ['GET', '/b/k?partNumber=2', [], 'GetObject'],
    ['HEAD', '/b/k', [], 'HeadObject'],
    ['DELETE', '/b/k', [], 'DeleteObject'],
    ['POST', '/b/k?uploads', [], 'CreateMultipartUpload'],
    ['POST', '/b/k?uploadId=u', [], 'CompleteMultipartUpload'],
    ['DELETE', '/b/k?uploadId=u', [], 'AbortMultipartUpload'],
    ['GET', '/b/k?uploadId=u', [], 'ListParts'],
    ['GET', '/b/k?tagging', [], 'GetObjectTagging'],
    ['GET', '/b/k?acl', [], 'GetObjectAcl'],
    ['GET', '/b?versions', [], 'ListObjectVersions'],
    ['GET', '/b?versions&key-marker=k&version-id-marker=v', [], 'ListObjectVersions'],
    ['PUT', '/b?versioning', [], 'PutBucketVersioning'],
    ['GET', '/b?object-lock', [], 'GetObjectLockConfiguration'],
    ['PUT', '/b?object-lock', [], 'PutObjectLockConfiguration'],
    ['GET', '/b/k?versionId=v', [], 'GetObject'],
    ['DELETE', '/b/k?versionId=v', [], 'DeleteObject'],
    ['PUT', '/b/k?tagging&versionId=v', [], 'PutObjectTagging'],
    ['DELETE', '/b/k?tagging', [], 'DeleteObjectTagging'],
    ['GET', '/b/k?retention', [], 'GetObjectRetention'],
    ['PUT', '/b/k?retention&versionId=v', [], 'PutObjectRetention'],
    ['GET', '/b/k?legal-hold', [], 'GetObjectLegalHold'],
    ['PUT', '/b/k?legal-hold', [], 'PutObjectLegalHold'],
  ];
  it.each(table)('%s %s %j → %s', (method, target, headers, expected) => {
    const r = route(method, target, headers);
    expect(r.name).toBe(expected);
    expect(r.spec).toBe(OPERATIONS[r.name]);
  });

  it('gives each operation its IAM action', () => {
    expect(route('GET', '/b?tagging').spec.action).toBe('s3:GetBucketTagging');
    expect(route('PUT', '/b/k').spec.action).toBe('s3:PutObject');
    expect(route('GET', '/').spec.action).toBe('s3:ListAllMyBuckets');
  });

  it('resolves virtual-hosted-style requests', () => {
    const r = route('GET', '/dir/file.txt', [], 'photos.s3.local:9000');
    expect(r).toMatchObject({ name: 'GetObject', bucket: 'photos', key: 'dir/file.txt' });
    expect(route('GET', '/', [], 'photos.s3.local')).toMatchObject({ name: 'ListObjects', bucket: 'photos' });
    expect(route('GET', '/', [], 's3.local')).toMatchObject({ name: 'ListBuckets' });
    expect(r.virtualHostBucket).toBe('photos');
    expect(route('GET', '/photos/dir/file.txt', [], 's3.local').virtualHostBucket).toBeUndefined();
  });

  it('routes sub-resources of features not offered to their own operation, never to ListObjects', () => {
    expect(route('GET', '/b?analytics')).toMatchObject({ name: 'ListBucketAnalyticsConfigurations', spec: { notImplemented: true } });
    expect(route('GET', '/b?analytics&id=a1').name).toBe('GetBucketAnalyticsConfiguration');
    expect(route('GET', '/b?metrics&id=m').name).toBe('GetBucketMetricsConfiguration');
    expect(route('PUT', '/b?inventory&id=i').name).toBe('PutBucketInventoryConfiguration');
    expect(route('DELETE', '/b?intelligent-tiering&id=t').name).toBe('DeleteBucketIntelligentTieringConfiguration');
    expect(route('GET', '/b?list-type=2').name).toBe('ListObjectsV2');
  });

  it('answers NotImplemented for a sub-resource no operation here names, never the bare operation', () => {
    // Without this, DELETE /b?accelerate would be DeleteBucket and PUT /b?website CreateBucket.
    for (const [method, target] of [
      ['DELETE', '/b?accelerate'],
      ['PUT', '/b?accelerate'],
      ['PUT', '/b?requestPayment'],
      ['PUT', '/b?metadataTable'],
      ['GET', '/b/k?session'],
      ['PUT', '/b/k?renameObject'],
      ['GET', '/b?acl&tagging'],
    ]) {
      expect(() => route(method, target)).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
    }
    expect(route('DELETE', '/b').name).toBe('DeleteBucket');
    expect(route('DELETE', '/b?publicAccessBlock').name).toBe('DeletePublicAccessBlock');
    expect(route('PUT', '/b?ownershipControls').name).toBe('PutBucketOwnershipControls');
    expect(route('GET', '/b/k?versionId=3&partNumber=1&response-content-type=x').name).toBe('GetObject');
    expect(route('DELETE', '/b/k?versionId=3').name).toBe('DeleteObject');
    expect(route('GET', '/b?versions&prefix=p').name).toBe('ListObjectVersions');
    expect(route('POST', '/b?delete').name).toBe('DeleteObjects');
    expect(route('POST', '/b')).toMatchObject({ name: 'PostObject', spec: { formAuth: true } });
  });

  it('marks the CORS preflight as needing no authentication', () => {
    expect(route('OPTIONS', '/b/k').spec.anonymous).toBe(true);
    expect(route('GET', '/b/k').spec.anonymous).toBeUndefined();
  });

  it('rejects methods no operation takes', () => {
    expect(() => route('POST', '/')).toThrow(S3Error);
    expect(() => route('PATCH', '/b/k')).toThrow(expect.objectContaining({ code: 'MethodNotAllowed' }));
    expect(() => route('PUT', '/')).toThrow(expect.objectContaining({ code: 'MethodNotAllowed' }));
  });
});

describe('parseAddress', () => {
  it('keeps keys byte for byte', () => {
    expect(parseAddress('h', '/b/a//b/', [])).toEqual({ bucket: 'b', key: 'a//b/' });
    expect(parseAddress('h', '/b/..%2F..%2Fetc', [])).toEqual({ bucket: 'b', key: '../../etc' });
    expect(parseAddress('h', '/b/%E2%9C%93%20x%25', [])).toEqual({ bucket: 'b', key: '✓ x%' });
    expect(parseAddress('h', '/b/a+b', [])).toEqual({ bucket: 'b', key: 'a+b' });
  });
  it('refuses broken percent-encoding', () => {
    expect(() => parseAddress('h', '/b/%E2%9C', [])).toThrow(expect.objectContaining({ code: 'InvalidURI' }));
  });
});
