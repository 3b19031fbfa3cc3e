import type { UploadView } from '../../multipart/multipart.service';
import {
  completeMultipartUploadResultXml,
  initiateMultipartUploadResultXml,
  listMultipartUploadsResultXml,
  listPartsResultXml,
  readCompletedParts,
} from './multipart-shapes';
import { readXml } from './read-xml';
import { writeXml } from './write-xml';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const owner = { id: 'u-1', displayName: 'root' };
const upload: UploadView = {
  uploadId: 'UPLOAD1',
  key: 'a b/c.txt',
  initiated: new Date('2025-01-02T03:04:05.000Z'),
  ownerId: 'u-1',
  storageClass: 'STANDARD',
};

describe('multipart XML documents', () => {
  it('InitiateMultipartUploadResult', () => {
    expect(writeXml(initiateMultipartUploadResultXml('bkt', 'k', 'UP'))).toBe(
      `${DECL}<InitiateMultipartUploadResult ${NS}><Bucket>bkt</Bucket><Key>k</Key><UploadId>UP</UploadId></InitiateMultipartUploadResult>`,
    );
  });

  it('CompleteMultipartUploadResult with a composite checksum', () => {
    const doc = completeMultipartUploadResultXml({
      location: 'http://h/bkt/k',
      bucket: 'bkt',
      key: 'k',
      etag: 'abc-2',
      checksums: { crc32: 'AAAAAA==-2', type: 'COMPOSITE' },
    });
    expect(writeXml(doc)).toBe(
      `${DECL}<CompleteMultipartUploadResult ${NS}><Location>http://h/bkt/k</Location><Bucket>bkt</Bucket><Key>k</Key>` +
        `<ETag>"abc-2"</ETag><ChecksumCRC32>AAAAAA==-2</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>`,
    );
  });

  it('ListPartsResult', () => {
    const doc = listPartsResultXml({
      bucket: 'bkt',
      upload: { ...upload, checksumAlgorithm: 'crc32', checksumType: 'COMPOSITE' },
      partNumberMarker: 1,
      maxParts: 1,
      parts: [
        { partNumber: 2, etag: 'e2', size: 10, lastModified: new Date('2025-01-02T03:04:06.000Z'), checksums: { crc32: 'AQIDBA==' } },
      ],
      isTruncated: true,
      initiator: owner,
      owner,
    });
    expect(writeXml(doc)).toBe(
      `${DECL}<ListPartsResult ${NS}><Bucket>bkt</Bucket><Key>a b/c.txt</Key><UploadId>UPLOAD1</UploadId>` +
        `<PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts><IsTruncated>true</IsTruncated>` +
        `<Part><PartNumber>2</PartNumber><LastModified>2025-01-02T03:04:06.000Z</LastModified><ETag>"e2"</ETag><Size>10</Size><ChecksumCRC32>AQIDBA==</ChecksumCRC32></Part>` +
        `<Initiator><ID>u-1</ID><DisplayName>root</DisplayName></Initiator><Owner><ID>u-1</ID><DisplayName>root</DisplayName></Owner>` +
        `<StorageClass>STANDARD</StorageClass><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType></ListPartsResult>`,
    );
  });

  it('ListMultipartUploadsResult, url-encoded', () => {
    const doc = listMultipartUploadsResultXml({
      bucket: 'bkt',
      keyMarker: '',
      uploadIdMarker: '',
      nextKeyMarker: 'a b/c.txt',
      nextUploadIdMarker: 'UPLOAD1',
      prefix: 'a b/',
      delimiter: '/',
      maxUploads: 2,
      isTruncated: true,
      uploads: [upload],
      commonPrefixes: ['a b/d/'],
      encodingType: 'url',
      owner: () => owner,
    });
    expect(writeXml(doc)).toBe(
      `${DECL}<ListMultipartUploadsResult ${NS}><Bucket>bkt</Bucket><KeyMarker/><UploadIdMarker/>` +
        `<NextKeyMarker>a%20b/c.txt</NextKeyMarker><Prefix>a%20b/</Prefix><Delimiter>/</Delimiter><NextUploadIdMarker>UPLOAD1</NextUploadIdMarker>` +
        `<MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>` +
        `<Upload><Key>a%20b/c.txt</Key><UploadId>UPLOAD1</UploadId><Initiator><ID>u-1</ID><DisplayName>root</DisplayName></Initiator>` +
        `<Owner><ID>u-1</ID><DisplayName>root</DisplayName></Owner><StorageClass>STANDARD</StorageClass><Initiated>2025-01-02T03:04:05.000Z</Initiated></Upload>` +
        `<CommonPrefixes><Prefix>a%20b/d/</Prefix></CommonPrefixes><EncodingType>url</EncodingType></ListMultipartUploadsResult>`,
    );
  });
});

describe('readCompletedParts', () => {
  const parse = async (xml: string) => readCompletedParts(await readXml(xml, 'CompleteMultipartUpload'));

  it('reads parts in request order with their checksums', async () => {
    const parts = await parse(
      `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><ChecksumCRC32>AQIDBA==</ChecksumCRC32></Part>` +
        `<Part><ETag>e2</ETag><PartNumber> 2 </PartNumber></Part></CompleteMultipartUpload>`,
    );
    expect(parts).toEqual([
      { partNumber: 1, etag: '"e1"', checksums: { crc32: 'AQIDBA==' } },
      { partNumber: 2, etag: 'e2', checksums: {} },
    ]);
  });

  it.each([
    ['no part', '<CompleteMultipartUpload></CompleteMultipartUpload>'],
    ['an empty document', '<CompleteMultipartUpload/>'],
    ['a part without ETag', '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'],
    [
      'a part number that is not an integer',
      '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
    ],
    ['another root', '<Complete><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Complete>'],
  ])('refuses %s with MalformedXML', async (_name, xml) => {
    await expect(parse(xml)).rejects.toMatchObject({ code: 'MalformedXML' });
  });
});
