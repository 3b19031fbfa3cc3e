import type { VersioningStatus } from '../../buckets/buckets.service';
import type { ListVersionsResult } from '../../objects/object-versions.service';
import type { ObjectView } from '../../objects/objects.service';
import { S3Error } from '../errors/s3-error';
import { childText } from './read-xml';
import { iso, Owner, quoteEtag, urlEncodeKey } from './shapes';
import { XmlDocument, XmlSequence } from './write-xml';

/** Versioning documents. Element order follows the responses of the AWS API reference. */

const ownerXml = (o: Owner) => ({ ID: o.id, DisplayName: o.displayName });

/** GetBucketVersioning: an empty document for a bucket that was never versioned. */
export function versioningConfigurationXml(status: VersioningStatus | null): XmlDocument {
  return { root: 'VersioningConfiguration', body: status ? { Status: status } : {} };
}

export interface VersioningRequest {
  status?: VersioningStatus;
  mfaDelete?: 'Enabled' | 'Disabled';
}

/** A `<VersioningConfiguration>` request (as readXml returns it). Values other than S3's are MalformedXML. */
export function readVersioningConfiguration(doc: Record<string, unknown[]>): VersioningRequest {
  const status = childText(doc, 'Status')?.trim();
  const mfaDelete = childText(doc, 'MfaDelete')?.trim();
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  if (mfaDelete !== undefined && mfaDelete !== 'Enabled' && mfaDelete !== 'Disabled') throw new S3Error('MalformedXML');
  return { status, mfaDelete };
}

/** ListObjectVersions: `Version` and `DeleteMarker` entries interleaved in listing order. */
export function listVersionsResultXml(args: {
  bucket: string;
  prefix: string;
  delimiter?: string;
  keyMarker: string;
  versionIdMarker: string;
  maxKeys: number;
  encodingType?: 'url';
  page: ListVersionsResult;
  owner: (v: ObjectView) => Owner;
}): XmlDocument {
  const enc = args.encodingType === 'url' ? urlEncodeKey : (s: string) => s;
  const p = args.page;
  const entries: Array<[string, unknown]> = p.versions.map((v) =>
    v.isDeleteMarker
      ? [
          'DeleteMarker',
          {
            Key: enc(v.key),
            VersionId: v.versionId,
            IsLatest: v.isLatest,
            LastModified: iso(v.lastModified),
            Owner: ownerXml(args.owner(v)),
          },
        ]
      : [
          'Version',
          {
            Key: enc(v.key),
            VersionId: v.versionId,
            IsLatest: v.isLatest,
            LastModified: iso(v.lastModified),
            ETag: quoteEtag(v.etag),
            ...checksumAlgorithms(v),
            Size: v.size,
            StorageClass: v.storageClass,
            Owner: ownerXml(args.owner(v)),
          },
        ],
  );
  return {
    root: 'ListVersionsResult',
    body: {
      Name: args.bucket,
      Prefix: enc(args.prefix),
      KeyMarker: enc(args.keyMarker),
      VersionIdMarker: args.versionIdMarker,
      ...(p.isTruncated && p.nextKeyMarker !== undefined ? { NextKeyMarker: enc(p.nextKeyMarker) } : {}),
      ...(p.isTruncated && p.nextVersionIdMarker !== undefined ? { NextVersionIdMarker: p.nextVersionIdMarker } : {}),
      MaxKeys: args.maxKeys,
      ...(args.delimiter ? { Delimiter: enc(args.delimiter) } : {}),
      IsTruncated: p.isTruncated,
      ...(args.encodingType ? { EncodingType: args.encodingType } : {}),
      Versions: new XmlSequence(entries),
      CommonPrefixes: p.commonPrefixes.map((cp) => ({ Prefix: enc(cp) })),
    },
  };
}

function checksumAlgorithms(v: ObjectView): Record<string, string[]> {
  const names = Object.keys(v.checksums ?? {}).filter((k) => k !== 'type');
  return names.length ? { ChecksumAlgorithm: names.map((k) => k.toUpperCase()) } : {};
}
