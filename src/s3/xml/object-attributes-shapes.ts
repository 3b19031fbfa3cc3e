import type { ObjectView } from '../../objects/objects.service';
import { checksumElements } from './shapes';
import type { XmlDocument } from './write-xml';

export const OBJECT_ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
export type ObjectAttribute = (typeof OBJECT_ATTRIBUTES)[number];

/**
 * GetObjectAttributesResponse with the requested attributes. The ETag is unquoted here (S3 does
 * so in this response only). ObjectParts appears for multipart objects: the parts count and a page
 * of parts (number, size and the checksums each part was uploaded with) after `marker`.
 */
export function objectAttributesXml(
  o: ObjectView,
  parts: Array<{ size: number; checksums: Record<string, string | undefined> | null }> | null,
  wanted: ReadonlySet<ObjectAttribute>,
  page: { maxParts: number; marker: number },
): XmlDocument {
  const body: Record<string, unknown> = {};
  if (wanted.has('ETag')) body.ETag = o.etag;
  if (wanted.has('Checksum') && o.checksums) {
    const elements = checksumElements(o.checksums);
    if (Object.keys(elements).length) body.Checksum = { ...elements, ...(o.checksums.type ? { ChecksumType: o.checksums.type } : {}) };
  }
  if (wanted.has('ObjectParts') && parts) {
    const from = Math.min(page.marker, parts.length);
    const shown = parts.slice(from, from + page.maxParts);
    const truncated = from + shown.length < parts.length;
    body.ObjectParts = {
      PartsCount: parts.length,
      PartNumberMarker: page.marker,
      ...(truncated ? { NextPartNumberMarker: from + shown.length } : {}),
      MaxParts: page.maxParts,
      IsTruncated: truncated,
      ...(shown.length
        ? { Part: shown.map((p, i) => ({ PartNumber: from + i + 1, ...checksumElements(p.checksums), Size: p.size })) }
        : {}),
    };
  }
  if (wanted.has('StorageClass')) body.StorageClass = o.storageClass;
  if (wanted.has('ObjectSize')) body.ObjectSize = o.size;
  return { root: 'GetObjectAttributesResponse', body };
}
