import {
  ARN_TARGET_TYPES,
  NotificationFilter,
  NotificationRule,
  NotificationRuleInput,
  NotificationTargetType,
} from '../../buckets/notification-configuration';
import { DomainError } from '../../common/domain-error';
import { S3Error } from '../errors/s3-error';
import type { XmlDocument } from './write-xml';

/**
 * NotificationConfiguration (GetBucketNotificationConfiguration / PutBucketNotificationConfiguration).
 * Topic, Queue and CloudFunction configurations carry an ARN. Rules made in the console (webhook,
 * Redis, RabbitMQ, MQTT, NATS targets) are shown as QueueConfigurations with a synthetic ARN
 * `arn:objectstore:sqs::<rule id>:<type>`; a PUT that gives that ARN back keeps the console target.
 */

type XmlNode = Record<string, unknown[]>;

/** The XML element of each ARN target type, and the element naming its ARN. */
const ELEMENTS: Array<{ type: NotificationTargetType; element: string; arnElement: string }> = [
  { type: 'topic', element: 'TopicConfiguration', arnElement: 'Topic' },
  { type: 'queue', element: 'QueueConfiguration', arnElement: 'Queue' },
  { type: 'lambda', element: 'CloudFunctionConfiguration', arnElement: 'CloudFunction' },
];

/** The ARN a console target is shown with in the S3 API. */
export const syntheticArn = (rule: Pick<NotificationRule, 'id' | 'target'>): string =>
  `arn:objectstore:sqs::${rule.id}:${rule.target.type}`;

const malformed = () => new S3Error('MalformedXML');

function textOf(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw && typeof raw === 'object' && '_' in raw) return String((raw as { _: unknown })._);
  if (raw && typeof raw === 'object' && Object.keys(raw).some((k) => k !== '$')) throw malformed();
  return '';
}

function single(node: XmlNode, name: string): string | undefined {
  const all = node[name];
  if (all === undefined) return undefined;
  if (all.length !== 1) throw malformed();
  return textOf(all[0]).trim();
}

const asNode = (raw: unknown): XmlNode => (raw && typeof raw === 'object' ? (raw as XmlNode) : {});

function readFilter(node: XmlNode, id: string): NotificationFilter | undefined {
  const filters = node.Filter;
  if (filters === undefined) return undefined;
  if (filters.length !== 1) throw malformed();
  const keys = asNode(filters[0]).S3Key;
  if (keys === undefined) return {};
  if (keys.length !== 1) throw malformed();
  const filter: NotificationFilter = {};
  for (const raw of asNode(keys[0]).FilterRule ?? []) {
    const rule = asNode(raw);
    const name = (single(rule, 'Name') ?? '').toLowerCase();
    const value = rule.Value === undefined ? undefined : textOf(rule.Value[0]);
    if ((name !== 'prefix' && name !== 'suffix') || value === undefined) {
      throw new DomainError('InvalidArgument', `filter rule name must be either prefix or suffix (configuration ${id})`);
    }
    if (filter[name] !== undefined) throw new DomainError('InvalidArgument', `Cannot specify more than one ${name} rule in a filter.`);
    filter[name] = value;
  }
  return filter;
}

/**
 * Reads a PutBucketNotificationConfiguration body (readXml's output) into rules. `existing` are the
 * stored rules: a synthetic ARN of one of them keeps that rule's console target.
 */
export function readNotificationConfiguration(doc: XmlNode, existing: readonly NotificationRule[]): NotificationRuleInput[] {
  if (doc.EventBridgeConfiguration !== undefined) {
    throw new DomainError('InvalidArgument', 'EventBridge notifications are not supported by this server.');
  }
  const bySyntheticArn = new Map(existing.filter((r) => !ARN_TARGET_TYPES.includes(r.target.type)).map((r) => [syntheticArn(r), r]));
  const rules: NotificationRuleInput[] = [];
  for (const { type, element, arnElement } of ELEMENTS) {
    for (const raw of doc[element] ?? []) {
      const node = asNode(raw);
      const id = single(node, 'Id');
      const arn = single(node, arnElement);
      if (arn === undefined) throw malformed();
      const events = (node.Event ?? []).map((e) => textOf(e).trim());
      const filter = readFilter(node, id ?? arn);
      const kept = bySyntheticArn.get(arn);
      rules.push({
        ...(id !== undefined && id !== '' ? { id } : kept ? { id: kept.id } : {}),
        target: kept ? kept.target : { type, arn },
        events,
        ...(filter && (filter.prefix !== undefined || filter.suffix !== undefined) ? { filter } : {}),
      });
    }
  }
  return rules;
}

function filterXml(filter: NotificationFilter | undefined): Record<string, unknown> {
  if (!filter || (filter.prefix === undefined && filter.suffix === undefined)) return {};
  const rules: Array<{ Name: string; Value: string }> = [];
  if (filter.prefix !== undefined) rules.push({ Name: 'prefix', Value: filter.prefix });
  if (filter.suffix !== undefined) rules.push({ Name: 'suffix', Value: filter.suffix });
  return { Filter: { S3Key: { FilterRule: rules } } };
}

/** The NotificationConfiguration document of the stored rules (an empty document when there are none). */
export function notificationConfigurationXml(rules: readonly NotificationRule[]): XmlDocument {
  const body: Record<string, unknown> = {};
  for (const { type, element, arnElement } of ELEMENTS) {
    const mine = rules.filter(
      (r) =>
        (r.target.type === type && type !== 'queue') ||
        (type === 'queue' && (r.target.type === 'queue' || !ARN_TARGET_TYPES.includes(r.target.type))),
    );
    if (mine.length === 0) continue;
    body[element] = mine.map((r) => ({
      Id: r.id,
      [arnElement]: r.target.arn ?? syntheticArn(r),
      Event: r.events,
      ...filterXml(r.filter),
    }));
  }
  return { root: 'NotificationConfiguration', body };
}
