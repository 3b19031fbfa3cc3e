import type { CorsRule } from '../../buckets/cors-configuration';
import type {
  LifecycleAndOperator,
  LifecycleExpiration,
  LifecycleFilter,
  LifecycleRule,
  LifecycleRuleInput,
} from '../../buckets/lifecycle-configuration';
import type { Tag } from '../../buckets/tags';
import { S3Error } from '../errors/s3-error';
import type { XmlDocument } from './write-xml';

/**
 * Bucket configuration documents: CORSConfiguration, Tagging, LifecycleConfiguration. Readers
 * take readXml()'s output and check the shape only (MalformedXML); the rules of each document
 * (limits, S3's InvalidArgument / InvalidRequest answers) are the buckets module's to check.
 */

type XmlNode = Record<string, unknown[]>;

const malformed = () => new S3Error('MalformedXML');

/** An element's content as a node; an empty element (`<X/>`, or text only) is an empty node. */
function asNode(raw: unknown): XmlNode {
  if (raw && typeof raw === 'object') return raw as XmlNode;
  return {};
}

function textOf(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw && typeof raw === 'object' && '_' in raw) return String((raw as { _: unknown })._);
  if (raw && typeof raw === 'object' && Object.keys(raw).some((k) => k !== '$')) throw malformed();
  return '';
}

/** The texts of every `name` child, in order. */
function texts(node: XmlNode, name: string): string[] {
  return (node[name] ?? []).map(textOf);
}

/** The text of the one `name` child, undefined when absent; twice is MalformedXML. */
function single(node: XmlNode, name: string): string | undefined {
  const all = node[name];
  if (all === undefined) return undefined;
  if (all.length !== 1) throw malformed();
  return textOf(all[0]);
}

function singleNode(node: XmlNode, name: string): XmlNode | undefined {
  const all = node[name];
  if (all === undefined) return undefined;
  if (all.length !== 1) throw malformed();
  return asNode(all[0]);
}

/** An xsd:integer (whitespace collapsed); anything else is MalformedXML. */
function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[+-]?\d{1,16}$/.test(t)) throw malformed();
  return Number(t);
}

function boolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw malformed();
}

const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time (no zone = UTC), normalized to `toISOString()`; else MalformedXML. */
function isoDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = ISO_8601.exec(text.trim());
  if (!m) throw malformed();
  const time = (m[2] ?? '00:00:00').replace(/(\.\d{3})\d+$/, '$1');
  const zone = m[3] ?? 'Z';
  const t = Date.parse(`${m[1]}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  if (!Number.isFinite(t)) throw malformed();
  return new Date(t).toISOString();
}

function readTag(node: XmlNode): Tag {
  const key = single(node, 'Key');
  const value = single(node, 'Value');
  if (key === undefined || value === undefined) throw malformed();
  return { key, value };
}

const tagXml = (t: Tag) => ({ Key: t.key, Value: t.value });

// --- CORS ------------------------------------------------------------------------------------

/** The rules of a `<CORSConfiguration>`, in order. */
export function readCorsConfiguration(doc: XmlNode): CorsRule[] {
  return (doc.CORSRule ?? []).map((raw) => {
    const r = asNode(raw);
    const maxAge = integer(single(r, 'MaxAgeSeconds'));
    const id = single(r, 'ID');
    return {
      ...(id !== undefined ? { id } : {}),
      allowedOrigins: texts(r, 'AllowedOrigin'),
      allowedMethods: texts(r, 'AllowedMethod'),
      allowedHeaders: texts(r, 'AllowedHeader'),
      exposeHeaders: texts(r, 'ExposeHeader'),
      ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
    };
  });
}

export function corsConfigurationXml(rules: readonly CorsRule[]): XmlDocument {
  return {
    root: 'CORSConfiguration',
    body: {
      CORSRule: rules.map((r) => ({
        ...(r.id !== undefined ? { ID: r.id } : {}),
        AllowedHeader: r.allowedHeaders,
        AllowedMethod: r.allowedMethods,
        AllowedOrigin: r.allowedOrigins,
        ExposeHeader: r.exposeHeaders,
        ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
      })),
    },
  };
}

// --- Tagging ---------------------------------------------------------------------------------

/** The tags of a `<Tagging><TagSet>…</TagSet></Tagging>` document, in order. */
export function readTagging(doc: XmlNode): Tag[] {
  const tagSet = singleNode(doc, 'TagSet');
  if (!tagSet) throw malformed();
  return (tagSet.Tag ?? []).map((raw) => readTag(asNode(raw)));
}

/** GetBucketTagging's document, its tags sorted by key as S3 lists them. */
export function taggingXml(tags: readonly Tag[]): XmlDocument {
  const sorted = [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { root: 'Tagging', body: { TagSet: { Tag: sorted.map(tagXml) } } };
}

// --- Lifecycle -------------------------------------------------------------------------------

function readAnd(node: XmlNode): LifecycleAndOperator {
  const gt = integer(single(node, 'ObjectSizeGreaterThan'));
  const lt = integer(single(node, 'ObjectSizeLessThan'));
  const prefix = single(node, 'Prefix');
  return {
    ...(prefix !== undefined ? { prefix } : {}),
    tags: (node.Tag ?? []).map((raw) => readTag(asNode(raw))),
    ...(gt !== undefined ? { objectSizeGreaterThan: gt } : {}),
    ...(lt !== undefined ? { objectSizeLessThan: lt } : {}),
  };
}

function readFilter(node: XmlNode): LifecycleFilter {
  const prefix = single(node, 'Prefix');
  const tag = singleNode(node, 'Tag');
  const gt = integer(single(node, 'ObjectSizeGreaterThan'));
  const lt = integer(single(node, 'ObjectSizeLessThan'));
  const and = singleNode(node, 'And');
  return {
    ...(prefix !== undefined ? { prefix } : {}),
    ...(tag ? { tag: readTag(tag) } : {}),
    ...(gt !== undefined ? { objectSizeGreaterThan: gt } : {}),
    ...(lt !== undefined ? { objectSizeLessThan: lt } : {}),
    ...(and ? { and: readAnd(and) } : {}),
  };
}

function readExpiration(node: XmlNode): LifecycleExpiration {
  const days = integer(single(node, 'Days'));
  const date = isoDate(single(node, 'Date'));
  const marker = boolean(single(node, 'ExpiredObjectDeleteMarker'));
  return {
    ...(days !== undefined ? { days } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(marker !== undefined ? { expiredObjectDeleteMarker: marker } : {}),
  };
}

/** The rules of a `<LifecycleConfiguration>`, in order. Transitions are refused: this server has one storage class. */
export function readLifecycleConfiguration(doc: XmlNode): LifecycleRuleInput[] {
  return (doc.Rule ?? []).map((raw) => {
    const r = asNode(raw);
    if (r.Transition || r.NoncurrentVersionTransition) {
      throw new S3Error('NotImplemented', {
        message: 'Lifecycle transitions are not implemented: this server has one storage class (STANDARD).',
      });
    }
    const id = single(r, 'ID');
    const status = single(r, 'Status');
    if (status === undefined) throw malformed();
    const prefix = single(r, 'Prefix');
    const filter = singleNode(r, 'Filter');
    const expiration = singleNode(r, 'Expiration');
    const nve = singleNode(r, 'NoncurrentVersionExpiration');
    const abort = singleNode(r, 'AbortIncompleteMultipartUpload');
    const rule: LifecycleRuleInput = { status: status as LifecycleRule['status'] };
    if (id !== undefined) rule.id = id;
    if (prefix !== undefined) rule.prefix = prefix;
    if (filter) rule.filter = readFilter(filter);
    if (expiration) rule.expiration = readExpiration(expiration);
    if (nve) {
      const noncurrentDays = integer(single(nve, 'NoncurrentDays'));
      const newer = integer(single(nve, 'NewerNoncurrentVersions'));
      rule.noncurrentVersionExpiration = {
        ...(noncurrentDays !== undefined ? { noncurrentDays } : {}),
        ...(newer !== undefined ? { newerNoncurrentVersions: newer } : {}),
      };
    }
    if (abort) {
      const days = integer(single(abort, 'DaysAfterInitiation'));
      rule.abortIncompleteMultipartUpload = days !== undefined ? { daysAfterInitiation: days } : {};
    }
    return rule;
  });
}

function filterXml(f: LifecycleFilter): Record<string, unknown> {
  const sizes = (o: { objectSizeGreaterThan?: number; objectSizeLessThan?: number }) => ({
    ...(o.objectSizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: o.objectSizeGreaterThan } : {}),
    ...(o.objectSizeLessThan !== undefined ? { ObjectSizeLessThan: o.objectSizeLessThan } : {}),
  });
  return {
    ...(f.prefix !== undefined ? { Prefix: f.prefix } : {}),
    ...(f.tag ? { Tag: tagXml(f.tag) } : {}),
    ...sizes(f),
    ...(f.and
      ? { And: { ...(f.and.prefix !== undefined ? { Prefix: f.and.prefix } : {}), Tag: f.and.tags.map(tagXml), ...sizes(f.and) } }
      : {}),
  };
}

export function lifecycleConfigurationXml(rules: readonly LifecycleRule[]): XmlDocument {
  return {
    root: 'LifecycleConfiguration',
    body: {
      Rule: rules.map((r) => {
        const e = r.expiration;
        const nve = r.noncurrentVersionExpiration;
        return {
          ID: r.id,
          ...(r.filter ? { Filter: filterXml(r.filter) } : { Prefix: r.prefix ?? '' }),
          Status: r.status,
          ...(e
            ? {
                Expiration: {
                  ...(e.date !== undefined ? { Date: e.date } : {}),
                  ...(e.days !== undefined ? { Days: e.days } : {}),
                  ...(e.expiredObjectDeleteMarker !== undefined ? { ExpiredObjectDeleteMarker: e.expiredObjectDeleteMarker } : {}),
                },
              }
            : {}),
          ...(nve
            ? {
                NoncurrentVersionExpiration: {
                  NoncurrentDays: nve.noncurrentDays,
                  ...(nve.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: nve.newerNoncurrentVersions } : {}),
                },
              }
            : {}),
          ...(r.abortIncompleteMultipartUpload
            ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortIncompleteMultipartUpload.daysAfterInitiation } }
            : {}),
        };
      }),
    },
  };
}
