import { DomainError } from '../common/domain-error';

/**
 * A bucket's inventory configuration: a CSV listing of its objects written, on a schedule or on
 * demand, into a destination bucket of the same tenant under `<prefix>/<bucket>/<timestamp>.csv`.
 */

export const INVENTORY_SCHEDULES = ['Daily', 'Weekly'] as const;
export type InventorySchedule = (typeof INVENTORY_SCHEDULES)[number];

export const INVENTORY_FORMATS = ['CSV'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/** Current: the current version of each key; All: every version and delete marker. */
export const INVENTORY_VERSIONS = ['Current', 'All'] as const;
export type InventoryIncludedVersions = (typeof INVENTORY_VERSIONS)[number];

/** The columns a report may carry after the key (S3's optional fields, plus VersionId). */
export const INVENTORY_FIELDS = [
  'Size',
  'ETag',
  'LastModifiedDate',
  'StorageClass',
  'VersionId',
  'IsMultipartUploaded',
  'ContentType',
  'ObjectLockMode',
  'ObjectLockRetainUntilDate',
  'ObjectLockLegalHoldStatus',
] as const;
export type InventoryField = (typeof INVENTORY_FIELDS)[number];

/** The columns of a report when the configuration names none. */
export const DEFAULT_INVENTORY_FIELDS: readonly InventoryField[] = ['Size', 'ETag', 'LastModifiedDate', 'StorageClass', 'VersionId'];

export const SCHEDULE_MS: Record<InventorySchedule, number> = { Daily: 86_400_000, Weekly: 7 * 86_400_000 };

export interface InventoryConfiguration {
  id: string;
  enabled: boolean;
  destinationBucket: string;
  /** Key prefix of the reports in the destination bucket, without a trailing `/` ('' = none). */
  prefix: string;
  schedule: InventorySchedule;
  format: InventoryFormat;
  includedVersions: InventoryIncludedVersions;
  fields: InventoryField[];
  /** When the last report was written (epoch ms); kept across PUTs of the configuration. */
  lastRunAt?: number;
}

export type InventoryConfigurationInput = Omit<
  InventoryConfiguration,
  'lastRunAt' | 'id' | 'enabled' | 'prefix' | 'format' | 'includedVersions' | 'fields'
> &
  Partial<Pick<InventoryConfiguration, 'id' | 'enabled' | 'prefix' | 'format' | 'includedVersions' | 'fields'>>;

const MAX_PREFIX_LENGTH = 512;
const invalid = (message: string) => new DomainError('InvalidArgument', message);

/** Checks a configuration and fills the defaults (no prefix, CSV, current versions, the default fields). */
export function normalizeInventoryConfiguration(input: InventoryConfigurationInput): Omit<InventoryConfiguration, 'lastRunAt'> {
  const id = input.id ?? 'default';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw invalid('id must be 1-64 characters of letters, digits and ._-');
  if (!(INVENTORY_SCHEDULES as readonly string[]).includes(input.schedule))
    throw invalid(`schedule must be one of ${INVENTORY_SCHEDULES.join(', ')}`);
  const format = input.format ?? 'CSV';
  if (!(INVENTORY_FORMATS as readonly string[]).includes(format)) throw invalid(`format must be one of ${INVENTORY_FORMATS.join(', ')}`);
  const includedVersions = input.includedVersions ?? 'Current';
  if (!(INVENTORY_VERSIONS as readonly string[]).includes(includedVersions)) {
    throw invalid(`included_versions must be one of ${INVENTORY_VERSIONS.join(', ')}`);
  }
  const prefix = (input.prefix ?? '').replace(/\/+$/, '');
  if (prefix.length > MAX_PREFIX_LENGTH || prefix.startsWith('/') || /[\u0000-\u001f]/.test(prefix)) {
    throw invalid(`prefix must be at most ${MAX_PREFIX_LENGTH} characters, not start with / and hold no control characters`);
  }
  const fields = input.fields ?? [...DEFAULT_INVENTORY_FIELDS];
  for (const f of fields)
    if (!(INVENTORY_FIELDS as readonly string[]).includes(f))
      throw invalid(`unknown field ${f}; fields are ${INVENTORY_FIELDS.join(', ')}`);
  if (new Set(fields).size !== fields.length) throw invalid('fields must not repeat');
  if (typeof input.destinationBucket !== 'string' || input.destinationBucket.length === 0) throw invalid('destination_bucket is required');
  return {
    id,
    enabled: input.enabled ?? true,
    destinationBucket: input.destinationBucket,
    prefix,
    schedule: input.schedule,
    format,
    includedVersions,
    fields: [...fields],
  };
}

/** The key prefix under which the reports of `bucket` are written (ends with `/`). */
export function inventoryReportPrefix(config: Pick<InventoryConfiguration, 'prefix'>, bucket: string): string {
  return `${config.prefix ? `${config.prefix}/` : ''}${bucket}/`;
}

/** `2024-01-02T03-04-05-678Z`: an ISO time that sorts as text and is a harmless key segment. */
export function inventoryTimestamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

/** A report is due when it was never written, or a schedule period has passed since the last one. */
export function inventoryDue(config: Pick<InventoryConfiguration, 'enabled' | 'schedule' | 'lastRunAt'>, nowMs: number): boolean {
  if (!config.enabled) return false;
  return config.lastRunAt === undefined || nowMs - config.lastRunAt >= SCHEDULE_MS[config.schedule];
}
