import type { BucketInfo } from '../../buckets/buckets.service';
import type { ObjectView } from '../../objects/objects.service';
import type { XmlDocument } from './write-xml';

/** S3 response documents. Element order follows the AWS API reference. */

export const iso = (d: Date): string => d.toISOString();
export const quoteEtag = (etag: string): string => `"${etag}"`;

export interface Owner {
  id: string;
  displayName: string;
}

const ownerXml = (o: Owner) => ({ ID: o.id, DisplayName: o.displayName });

/** encoding-type=url: keys percent-encoded, `/` kept readable. */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s).replace(/%2F/g, '/');
}

export function listAllMyBucketsXml(
  owner: Owner,
  buckets: BucketInfo[],
  page: { prefix?: string; continuationToken?: string } = {},
): XmlDocument {
  return {
    root: 'ListAllMyBucketsResult',
    body: {
      Owner: ownerXml(owner),
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: iso(b.createdAt), BucketRegion: b.region })) },
      ...(page.continuationToken ? { ContinuationToken: page.continuationToken } : {}),
      ...(page.prefix !== undefined ? { Prefix: page.prefix } : {}),
    },
  };
}

export function locationXml(region: string): XmlDocument {
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  return { root: 'LocationConstraint', body: region === 'us-east-1' ? {} : { _: region } };
}

export interface ListPage {
  objects: ObjectView[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

function contentsXml(o: ObjectView, enc: (s: string) => string, owner?: Owner) {
  return {
    Key: enc(o.key),
    LastModified: iso(o.lastModified),
    ETag: quoteEtag(o.etag),
    ...(o.checksums && Object.keys(o.checksums).some((k) => k !== 'type')
      ? {
          ChecksumAlgorithm: Object.keys(o.checksums)
            .filter((k) => k !== 'type')
            .map((k) => k.toUpperCase()),
        }
      : {}),
    Size: o.size,
    ...(owner ? { Owner: ownerXml(owner) } : {}),
    StorageClass: o.storageClass,
  };
}

export function listObjectsV2Xml(args: {
  bucket: string;
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  encodingType?: 'url';
  continuationToken?: string;
  nextContinuationToken?: string;
  startAfter?: string;
  page: ListPage;
  owner?: (o: ObjectView) => Owner;
}): XmlDocument {
  const enc = args.encodingType === 'url' ? urlEncodeKey : (s: string) => s;
  const p = args.page;
  return {
    root: 'ListBucketResult',
    body: {
      Name: args.bucket,
      Prefix: enc(args.prefix),
      ...(args.continuationToken !== undefined ? { ContinuationToken: args.continuationToken } : {}),
      ...(args.nextContinuationToken !== undefined ? { NextContinuationToken: args.nextContinuationToken } : {}),
      KeyCount: p.objects.length + p.commonPrefixes.length,
      MaxKeys: args.maxKeys,
      ...(args.delimiter ? { Delimiter: enc(args.delimiter) } : {}),
      IsTruncated: p.isTruncated,
      ...(args.startAfter !== undefined ? { StartAfter: enc(args.startAfter) } : {}),
      ...(args.encodingType ? { EncodingType: args.encodingType } : {}),
      Contents: p.objects.map((o) => contentsXml(o, enc, args.owner?.(o))),
      CommonPrefixes: p.commonPrefixes.map((cp) => ({ Prefix: enc(cp) })),
    },
  };
}

export function listObjectsV1Xml(args: {
  bucket: string;
  prefix: string;
  delimiter?: string;
  marker: string;
  nextMarker?: string;
  maxKeys: number;
  encodingType?: 'url';
  page: ListPage;
  owner: (o: ObjectView) => Owner;
}): XmlDocument {
  const enc = args.encodingType === 'url' ? urlEncodeKey : (s: string) => s;
  const p = args.page;
  return {
    root: 'ListBucketResult',
    body: {
      Name: args.bucket,
      Prefix: enc(args.prefix),
      Marker: enc(args.marker),
      ...(args.nextMarker !== undefined ? { NextMarker: enc(args.nextMarker) } : {}),
      MaxKeys: args.maxKeys,
      ...(args.delimiter ? { Delimiter: enc(args.delimiter) } : {}),
      IsTruncated: p.isTruncated,
      ...(args.encodingType ? { EncodingType: args.encodingType } : {}),
      Contents: p.objects.map((o) => contentsXml(o, enc, args.owner(o))),
      CommonPrefixes: p.commonPrefixes.map((cp) => ({ Prefix: enc(cp) })),
    },
  };
}

export function copyObjectResultXml(etag: string, lastModified: Date, checksums: Record<string, string> = {}): XmlDocument {
  return { root: 'CopyObjectResult', body: { ETag: quoteEtag(etag), LastModified: iso(lastModified), ...checksums } };
}

export function copyPartResultXml(etag: string, lastModified: Date, checksums: Record<string, string> = {}): XmlDocument {
  return { root: 'CopyPartResult', body: { ETag: quoteEtag(etag), LastModified: iso(lastModified), ...checksums } };
}

/** A `<Deleted>` entry of DeleteObjects: the key, the version asked for, and the delete marker involved. */
export interface DeletedEntry {
  key: string;
  versionId?: string;
  /** A delete marker was created, or the version removed was one. */
  deleteMarker?: boolean;
  deleteMarkerVersionId?: string;
}

export function deleteResultXml(
  deleted: Array<string | DeletedEntry>,
  errors: Array<{ key: string; versionId?: string; code: string; message: string }>,
  quiet: boolean,
  enc: (s: string) => string = (s) => s,
): XmlDocument {
  const entry = (d: DeletedEntry) => ({
    Key: enc(d.key),
    ...(d.versionId !== undefined ? { VersionId: d.versionId } : {}),
    ...(d.deleteMarker ? { DeleteMarker: true } : {}),
    ...(d.deleteMarker && d.deleteMarkerVersionId !== undefined ? { DeleteMarkerVersionId: d.deleteMarkerVersionId } : {}),
  });
  return {
    root: 'DeleteResult',
    body: {
      ...(quiet ? {} : { Deleted: deleted.map((d) => entry(typeof d === 'string' ? { key: d } : d)) }),
      Error: errors.map((e) => ({
        Key: enc(e.key),
        ...(e.versionId !== undefined ? { VersionId: e.versionId } : {}),
        Code: e.code,
        Message: e.message,
      })),
    },
  };
}

/** `ChecksumCRC32` style element names for stored checksums. */
export function checksumElements(checksums: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!checksums) return out;
  const names: Record<string, string> = {
    crc32: 'ChecksumCRC32',
    crc32c: 'ChecksumCRC32C',
    crc64nvme: 'ChecksumCRC64NVME',
    sha1: 'ChecksumSHA1',
    sha256: 'ChecksumSHA256',
  };
  for (const [k, v] of Object.entries(checksums)) if (names[k] && v) out[names[k]] = v;
  return out;
}
