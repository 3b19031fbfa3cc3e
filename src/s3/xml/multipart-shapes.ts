import type { ChecksumAlgorithm } from '../../objects/checksums';
import type { ObjectChecksums } from '../../objects/entities/object.entity';
import type { PartView, UploadView } from '../../multipart/multipart.service';
import { S3Error } from '../errors/s3-error';
import { childText } from './read-xml';
import { checksumElements, iso, Owner, quoteEtag, urlEncodeKey } from './shapes';
import type { XmlDocument } from './write-xml';

/** Multipart upload documents. Element order follows the AWS API reference. */

const ownerXml = (o: Owner) => ({ ID: o.id, DisplayName: o.displayName });

/** `ChecksumCRC32` element name → algorithm, for reading CompleteMultipartUpload parts. */
const CHECKSUM_ELEMENTS: Record<string, ChecksumAlgorithm> = {
  ChecksumCRC32: 'crc32',
  ChecksumCRC32C: 'crc32c',
  ChecksumCRC64NVME: 'crc64nvme',
  ChecksumSHA1: 'sha1',
  ChecksumSHA256: 'sha256',
};

export function initiateMultipartUploadResultXml(bucket: string, key: string, uploadId: string): XmlDocument {
  return { root: 'InitiateMultipartUploadResult', body: { Bucket: bucket, Key: key, UploadId: uploadId } };
}

export function completeMultipartUploadResultXml(args: {
  location: string;
  bucket: string;
  key: string;
  etag: string;
  checksums: ObjectChecksums | null;
}): XmlDocument {
  return {
    root: 'CompleteMultipartUploadResult',
    body: {
      Location: args.location,
      Bucket: args.bucket,
      Key: args.key,
      ETag: quoteEtag(args.etag),
      ...checksumElements(args.checksums),
      ...(args.checksums?.type ? { ChecksumType: args.checksums.type } : {}),
    },
  };
}

const algorithmName = (a: ChecksumAlgorithm | undefined) => (a ? { ChecksumAlgorithm: a.toUpperCase() } : {});
const checksumTypeOf = (u: UploadView) => (u.checksumType ? { ChecksumType: u.checksumType } : {});

export function listPartsResultXml(args: {
  bucket: string;
  upload: UploadView;
  partNumberMarker: number;
  maxParts: number;
  parts: PartView[];
  isTruncated: boolean;
  initiator: Owner;
  owner: Owner;
}): XmlDocument {
  const last = args.parts[args.parts.length - 1];
  return {
    root: 'ListPartsResult',
    body: {
      Bucket: args.bucket,
      Key: args.upload.key,
      UploadId: args.upload.uploadId,
      PartNumberMarker: args.partNumberMarker,
      ...(last ? { NextPartNumberMarker: last.partNumber } : {}),
      MaxParts: args.maxParts,
      IsTruncated: args.isTruncated,
      Part: args.parts.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: iso(p.lastModified),
        ETag: quoteEtag(p.etag),
        Size: p.size,
        ...checksumElements(p.checksums),
      })),
      Initiator: ownerXml(args.initiator),
      Owner: ownerXml(args.owner),
      StorageClass: args.upload.storageClass,
      ...algorithmName(args.upload.checksumAlgorithm),
      ...checksumTypeOf(args.upload),
    },
  };
}

export function listMultipartUploadsResultXml(args: {
  bucket: string;
  keyMarker: string;
  uploadIdMarker: string;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
  prefix: string;
  delimiter?: string;
  maxUploads: number;
  isTruncated: boolean;
  uploads: UploadView[];
  commonPrefixes: string[];
  encodingType?: 'url';
  owner: (u: UploadView) => Owner;
}): XmlDocument {
  const enc = args.encodingType === 'url' ? urlEncodeKey : (s: string) => s;
  return {
    root: 'ListMultipartUploadsResult',
    body: {
      Bucket: args.bucket,
      KeyMarker: enc(args.keyMarker),
      UploadIdMarker: args.uploadIdMarker,
      ...(args.nextKeyMarker !== undefined ? { NextKeyMarker: enc(args.nextKeyMarker) } : {}),
      Prefix: enc(args.prefix),
      ...(args.delimiter ? { Delimiter: enc(args.delimiter) } : {}),
      ...(args.nextUploadIdMarker !== undefined ? { NextUploadIdMarker: args.nextUploadIdMarker } : {}),
      MaxUploads: args.maxUploads,
      IsTruncated: args.isTruncated,
      Upload: args.uploads.map((u) => ({
        Key: enc(u.key),
        UploadId: u.uploadId,
        Initiator: ownerXml(args.owner(u)),
        Owner: ownerXml(args.owner(u)),
        StorageClass: u.storageClass,
        Initiated: iso(u.initiated),
        ...algorithmName(u.checksumAlgorithm),
        ...checksumTypeOf(u),
      })),
      CommonPrefixes: args.commonPrefixes.map((cp) => ({ Prefix: enc(cp) })),
      ...(args.encodingType ? { EncodingType: args.encodingType } : {}),
    },
  };
}

export interface CompletedPartXml {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/**
 * The parts of a `<CompleteMultipartUpload>` document (as readXml returns it), in request order.
 * No part, a part without PartNumber or ETag, or a PartNumber that is not an integer is MalformedXML.
 */
export function readCompletedParts(doc: Record<string, unknown[]>): CompletedPartXml[] {
  const parts = (doc.Part ?? []) as unknown[];
  if (parts.length === 0) throw new S3Error('MalformedXML');
  return parts.map((raw) => {
    if (!raw || typeof raw !== 'object') throw new S3Error('MalformedXML');
    const part = raw as Record<string, unknown[]>;
    const number = childText(part, 'PartNumber')?.trim();
    const etag = childText(part, 'ETag');
    if (number === undefined || !/^\d{1,9}$/.test(number) || etag === undefined) throw new S3Error('MalformedXML');
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [element, algorithm] of Object.entries(CHECKSUM_ELEMENTS)) {
      const v = childText(part, element)?.trim();
      if (v) checksums[algorithm] = v;
    }
    return { partNumber: Number(number), etag, checksums };
  });
}
