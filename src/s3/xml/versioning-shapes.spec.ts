import type { ObjectView } from '../../objects/objects.service';
import { readXml } from './read-xml';
import { listVersionsResultXml, readVersioningConfiguration, versioningConfigurationXml } from './versioning-shapes';
import { writeXml } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const owner = { id: 'u-1', displayName: 'root' };

const view = (key: string, versionId: string, extra: Partial<ObjectView> = {}): ObjectView => ({
  key,
  size: 3,
  etag: 'e1',
  lastModified: new Date('2025-01-02T03:04:05.000Z'),
  metadata: { headers: {}, user: {} },
  checksums: null,
  partCount: null,
  storageClass: 'STANDARD',
  ownerId: 'u-1',
  versionId,
  isLatest: false,
  isDeleteMarker: false,
  tagCount: 0,
  retention: null,
  legalHold: null,
  encryption: null,
  replicationStatus: null,
  ...extra,
});

describe('versioning XML documents', () => {
  it('VersioningConfiguration: empty for a bucket never versioned, else its Status', () => {
    expect(writeXml(versioningConfigurationXml(null))).toBe(`${DECL}<VersioningConfiguration ${NS}/>`);
    expect(writeXml(versioningConfigurationXml('Suspended'))).toBe(
      `${DECL}<VersioningConfiguration ${NS}><Status>Suspended</Status></VersioningConfiguration>`,
    );
  });

  it('reads a VersioningConfiguration request, refusing values S3 does not know', async () => {
    const read = async (xml: string) => readVersioningConfiguration(await readXml(xml, 'VersioningConfiguration'));
    expect(await read(`<VersioningConfiguration ${NS}><Status>Enabled</Status></VersioningConfiguration>`)).toEqual({
      status: 'Enabled',
      mfaDelete: undefined,
    });
    expect(await read('<VersioningConfiguration><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>')).toEqual({
      status: undefined,
      mfaDelete: 'Disabled',
    });
    await expect(read('<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>')).rejects.toMatchObject({
      code: 'MalformedXML',
    });
    await expect(read('<VersioningConfiguration><MfaDelete>On</MfaDelete></VersioningConfiguration>')).rejects.toMatchObject({
      code: 'MalformedXML',
    });
  });

  it('ListVersionsResult interleaves Version and DeleteMarker in listing order, url-encoded', () => {
    const doc = listVersionsResultXml({
      bucket: 'bkt',
      prefix: 'a b',
      delimiter: '/',
      keyMarker: '',
      versionIdMarker: '',
      maxKeys: 3,
      encodingType: 'url',
      page: {
        versions: [
          view('a b', 'v2', { isLatest: true, isDeleteMarker: true }),
          view('a b', 'v1', { checksums: { crc32: 'AAAAAA==', type: 'FULL_OBJECT' } }),
        ],
        commonPrefixes: ['a b/c/'],
        isTruncated: true,
        nextKeyMarker: 'a b/c/',
      },
      owner: () => owner,
    });
    expect(writeXml(doc)).toBe(
      `${DECL}<ListVersionsResult ${NS}><Name>bkt</Name><Prefix>a%20b</Prefix><KeyMarker/><VersionIdMarker/>` +
        `<NextKeyMarker>a%20b/c/</NextKeyMarker><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><EncodingType>url</EncodingType>` +
        `<DeleteMarker><Key>a%20b</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest><LastModified>2025-01-02T03:04:05.000Z</LastModified>` +
        `<Owner><ID>u-1</ID><DisplayName>root</DisplayName></Owner></DeleteMarker>` +
        `<Version><Key>a%20b</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-02T03:04:05.000Z</LastModified>` +
        `<ETag>"e1"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>3</Size><StorageClass>STANDARD</StorageClass>` +
        `<Owner><ID>u-1</ID><DisplayName>root</DisplayName></Owner></Version>` +
        `<CommonPrefixes><Prefix>a%20b/c/</Prefix></CommonPrefixes></ListVersionsResult>`,
    );
  });

  it('ListVersionsResult of an empty bucket', () => {
    const doc = listVersionsResultXml({
      bucket: 'bkt',
      prefix: '',
      keyMarker: 'k',
      versionIdMarker: 'null',
      maxKeys: 1000,
      page: { versions: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: 'ignored' },
      owner: () => owner,
    });
    expect(writeXml(doc)).toBe(
      `${DECL}<ListVersionsResult ${NS}><Name>bkt</Name><Prefix/><KeyMarker>k</KeyMarker><VersionIdMarker>null</VersionIdMarker>` +
        `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListVersionsResult>`,
    );
  });
});
