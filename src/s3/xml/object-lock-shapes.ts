import type { ObjectLockConfiguration } from '../../buckets/buckets.service';
import { DefaultRetention, isLockMode, Retention } from '../../objects/object-lock';
import { S3Error } from '../errors/s3-error';
import { childText } from './read-xml';
import { iso } from './shapes';
import type { XmlDocument } from './write-xml';

/** Object lock documents: ObjectLockConfiguration, Retention, LegalHold. */

type Node = Record<string, unknown[]>;

const child = (node: Node | undefined, name: string): Node | undefined => {
  const v = node?.[name]?.[0];
  return v && typeof v === 'object' ? (v as Node) : undefined;
};

const invalidArgument = (message: string) => new S3Error('InvalidArgument', { message });

export function objectLockConfigurationXml(config: ObjectLockConfiguration): XmlDocument {
  const rule = config.defaultRetention;
  return {
    root: 'ObjectLockConfiguration',
    body: {
      ObjectLockEnabled: 'Enabled',
      ...(rule
        ? {
            Rule: {
              DefaultRetention: { Mode: rule.mode, ...(rule.days !== undefined ? { Days: rule.days } : { Years: rule.years }) },
            },
          }
        : {}),
    },
  };
}

/**
 * A PutObjectLockConfiguration document: `ObjectLockEnabled` must be `Enabled`; an optional
 * `Rule/DefaultRetention` with a Mode and exactly one of Days and Years (positive integers).
 * Returns the default retention, null when the document has no rule.
 */
export function readObjectLockConfiguration(doc: Node): DefaultRetention | null {
  if (childText(doc, 'ObjectLockEnabled')?.trim() !== 'Enabled') throw new S3Error('MalformedXML');
  if (doc.Rule === undefined) return null;
  const retention = child(child(doc, 'Rule'), 'DefaultRetention');
  if (!retention) throw new S3Error('MalformedXML');
  const mode = childText(retention, 'Mode')?.trim();
  if (mode === undefined || !isLockMode(mode)) throw new S3Error('MalformedXML');
  const days = childText(retention, 'Days')?.trim();
  const years = childText(retention, 'Years')?.trim();
  if ((days === undefined) === (years === undefined)) throw new S3Error('MalformedXML');
  const value = (days ?? years)!;
  if (!/^-?\d+$/.test(value)) throw new S3Error('MalformedXML');
  const n = Number(value);
  // S3 answers a period out of bounds with InvalidRetentionPeriod (a malformed one with MalformedXML).
  if (n <= 0) throw new S3Error('InvalidRetentionPeriod', { message: 'Default retention period must be a positive integer value.' });
  // S3's limits: 100 years (36500 days).
  if ((days !== undefined && n > 36500) || (years !== undefined && n > 100)) {
    throw new S3Error('InvalidRetentionPeriod', { message: 'Default retention period is too large.' });
  }
  return days !== undefined ? { mode, days: n } : { mode, years: n };
}

export function retentionXml(r: Retention): XmlDocument {
  return { root: 'Retention', body: { Mode: r.mode, RetainUntilDate: iso(new Date(r.retainUntil)) } };
}

/** A PutObjectRetention document; an empty `<Retention/>` removes the retention (null). */
export function readRetention(doc: Node): Retention | null {
  const mode = childText(doc, 'Mode')?.trim();
  const until = childText(doc, 'RetainUntilDate')?.trim();
  if (mode === undefined && until === undefined) return null;
  if (mode === undefined || until === undefined || !isLockMode(mode)) throw new S3Error('MalformedXML');
  return { mode, retainUntil: parseRetainUntil(until) };
}

/** An ISO 8601 date-time (x-amz-object-lock-retain-until-date or RetainUntilDate). */
export function parseRetainUntil(value: string): number {
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw invalidArgument('The retain until date must be provided in ISO 8601 format');
  return t;
}

export function legalHoldXml(on: boolean): XmlDocument {
  return { root: 'LegalHold', body: { Status: on ? 'ON' : 'OFF' } };
}

/** A PutObjectLegalHold document: Status ON or OFF. */
export function readLegalHold(doc: Node): boolean {
  const status = childText(doc, 'Status')?.trim();
  if (status !== 'ON' && status !== 'OFF') throw new S3Error('MalformedXML');
  return status === 'ON';
}
