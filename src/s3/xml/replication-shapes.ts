import type { ReplicationRule } from '../../buckets/replication-configuration';
import type { S3ReplicationRule } from '../../replication/replication.service';
import { S3Error } from '../errors/s3-error';
import type { XmlDocument } from './write-xml';

type XmlNode = Record<string, unknown[]>;

const malformed = () => new S3Error('MalformedXML');
const asNode = (raw: unknown): XmlNode => (raw && typeof raw === 'object' ? (raw as XmlNode) : {});

function text(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw && typeof raw === 'object' && '_' in raw) return String((raw as { _: unknown })._);
  return '';
}

function single(node: XmlNode, name: string): string | undefined {
  const all = node[name];
  if (all === undefined) return undefined;
  if (all.length !== 1) throw malformed();
  return text(all[0]).trim();
}

function tagsOf(nodes: unknown[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const raw of nodes ?? []) {
    const t = asNode(raw);
    const key = single(t, 'Key');
    if (key === undefined) throw malformed();
    tags[key] = single(t, 'Value') ?? '';
  }
  return tags;
}

/** Reads a PutBucketReplication body (readXml's output). */
export function readReplicationConfiguration(doc: XmlNode): S3ReplicationRule[] {
  const rules = doc.Rule ?? [];
  if (rules.length === 0) throw malformed();
  return rules.map((raw) => {
    const node = asNode(raw);
    const id = single(node, 'ID');
    const status = single(node, 'Status');
    if (status !== 'Enabled' && status !== 'Disabled') throw malformed();
    let prefix = single(node, 'Prefix') ?? '';
    let tags: Record<string, string> = {};
    if (node.Filter) {
      const filter = asNode(node.Filter[0]);
      prefix = single(filter, 'Prefix') ?? '';
      tags = tagsOf(filter.Tag);
      if (filter.And) {
        const and = asNode(filter.And[0]);
        prefix = single(and, 'Prefix') ?? '';
        tags = tagsOf(and.Tag);
      }
    }
    const destination = asNode(node.Destination?.[0]);
    const bucketArn = single(destination, 'Bucket');
    if (!bucketArn) throw malformed();
    const deletes = single(asNode(node.DeleteMarkerReplication?.[0]), 'Status');
    const priority = single(node, 'Priority');
    return {
      id,
      enabled: status === 'Enabled',
      priority: priority === undefined ? undefined : Number(priority),
      prefix,
      tags,
      replicateDeletes: deletes === 'Enabled',
      destinationBucket: bucketArn.replace(/^arn:[^:]*:s3:::/, ''),
    };
  });
}

/** The ReplicationConfiguration document of the stored rules (the destination as a bucket ARN). */
export function replicationConfigurationXml(rules: readonly ReplicationRule[]): XmlDocument {
  return {
    root: 'ReplicationConfiguration',
    body: {
      Role: '',
      Rule: rules.map((r) => {
        const tags = Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value }));
        const filter = tags.length ? { And: { Prefix: r.prefix, Tag: tags } } : { Prefix: r.prefix };
        return {
          ID: r.id,
          Priority: r.priority,
          Status: r.enabled ? 'Enabled' : 'Disabled',
          Filter: filter,
          Destination: { Bucket: `arn:aws:s3:::${r.destination.bucket}` },
          DeleteMarkerReplication: { Status: r.replicateDeletes ? 'Enabled' : 'Disabled' },
        };
      }),
    },
  };
}
