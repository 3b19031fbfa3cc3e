import type { ObjectTags } from '../../objects/object-tags';
import { S3Error } from '../errors/s3-error';
import { childText } from './read-xml';
import type { XmlDocument } from './write-xml';

/** The `<Tagging>` document (GetObjectTagging), its tags sorted by key as S3 lists them. */
export function taggingXml(tags: ObjectTags): XmlDocument {
  const sorted = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { root: 'Tagging', body: { TagSet: { Tag: sorted.map(([Key, Value]) => ({ Key, Value })) } } };
}

/**
 * The tags of a `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>` document (as
 * readXml returns it), in document order. A missing TagSet or a Tag without Key or Value is
 * MalformedXML; the tag rules themselves (InvalidTag) are the domain's (validateTags).
 */
export function readTagging(doc: Record<string, unknown[]>): Array<[string, string]> {
  const set = doc.TagSet?.[0];
  if (set === undefined) throw new S3Error('MalformedXML');
  if (typeof set !== 'object' || set === null) return [];
  const tags = ((set as Record<string, unknown[]>).Tag ?? []) as unknown[];
  return tags.map((raw) => {
    if (!raw || typeof raw !== 'object') throw new S3Error('MalformedXML');
    const tag = raw as Record<string, unknown[]>;
    const key = childText(tag, 'Key');
    const value = childText(tag, 'Value');
    if (key === undefined || value === undefined) throw new S3Error('MalformedXML');
    return [key, value];
  });
}
