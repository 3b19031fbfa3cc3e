/**
 * Names of the console's storage routes (buckets, bucket configuration, objects, shares, presign,
 * usage): audit resource types and actions. The foundation's AUDIT_ACTION covers the CRUD verbs.
 */

/** resource_type values of the audit records of the storage routes. */
export const STORAGE_AUDIT_RESOURCE = {
  bucket: 'bucket',
  bucketConfig: 'bucket_config',
  object: 'object',
  share: 'share',
  presign: 'presign',
  usage: 'usage',
  inventory: 'inventory',
} as const;

/** action values beyond create/read/update/delete. */
export const STORAGE_AUDIT_ACTION = {
  upload: 'upload',
  download: 'download',
  downloadLink: 'download_link',
  bulkDelete: 'bulk_delete',
  revoke: 'revoke',
  run: 'run',
  verifyIntegrity: 'verify_integrity',
  recalculateStats: 'recalculate_stats',
  grant: 'grant',
} as const;

/** Largest number of keys of one bulk delete (S3's DeleteObjects limit). */
export const MAX_BULK_DELETE_KEYS = 1000;
/** Object search: rows scanned per request at most (the response says `truncated` and where to go on). */
export const SEARCH_SCAN_LIMIT = 10_000;
/** Share links live at most this long (and this long by default: 7 days). */
export const MAX_SHARE_SECONDS = 365 * 86_400;
export const DEFAULT_SHARE_SECONDS = 7 * 86_400;
/** Presigned URLs: the default validity (1 hour); SigV4 allows at most 7 days. */
export const DEFAULT_PRESIGN_SECONDS = 3600;
