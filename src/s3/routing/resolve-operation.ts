import { S3Error } from '../errors/s3-error';
import { OPERATIONS, OperationName, OperationSpec, Scope } from './operations';

export interface RouteInput {
  method: string;
  /** Host header (may carry a port). */
  host?: string;
  /** Path as received, percent-encoded, without the query. */
  rawPath: string;
  /** Names of the query parameters present. */
  queryNames: ReadonlySet<string>;
  /** Lower-cased request header names present. */
  hasHeader: (name: string) => boolean;
  /** Domains served for virtual-hosted-style addressing (`bucket.<domain>`). */
  domains: readonly string[];
}

export interface ResolvedOperation {
  name: OperationName;
  spec: OperationSpec;
  bucket?: string;
  key?: string;
  /** Set when the bucket came from the Host header (virtual-hosted-style). */
  virtualHostBucket?: string;
}

/**
 * Query parameters that always name an S3 operation of their own (bucket and object
 * sub-resources). Parameters that only refine an operation (versionId, partNumber, prefix,
 * response-*) are not here.
 */
const SUB_RESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataConfiguration',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploads',
  'versioning',
  'versions',
  'website',
]);

const ENTRIES = Object.entries(OPERATIONS) as Array<[OperationName, OperationSpec]>;
const BY_METHOD_SCOPE = new Map<string, Array<[OperationName, OperationSpec]>>();
for (const entry of ENTRIES) {
  const k = `${entry[1].method} ${entry[1].scope}`;
  BY_METHOD_SCOPE.set(k, [...(BY_METHOD_SCOPE.get(k) ?? []), entry]);
}

/** Splits Host + path into bucket and key, for path-style and virtual-hosted-style requests. */
export function parseAddress(
  host: string | undefined,
  rawPath: string,
  domains: readonly string[],
): { bucket?: string; key?: string; virtualHosted?: true } {
  const hostname = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  let bucket: string | undefined;
  let path = rawPath;
  let fromHost = false;
  for (const domain of domains) {
    const d = domain.replace(/:\d+$/, '');
    if (hostname.length > d.length + 1 && hostname.endsWith('.' + d)) {
      bucket = hostname.slice(0, hostname.length - d.length - 1);
      fromHost = true;
      break;
    }
  }
  if (bucket === undefined) {
    const rest = path.startsWith('/') ? path.slice(1) : path;
    const slash = rest.indexOf('/');
    const first = slash < 0 ? rest : rest.slice(0, slash);
    if (first === '') return {};
    bucket = decode(first);
    path = slash < 0 ? '' : rest.slice(slash);
  }
  // Everything after the bucket's slash is the key, byte for byte: `a//b/` stays `a//b/`.
  const keyPart = path.startsWith('/') ? path.slice(1) : path;
  const address = keyPart === '' ? { bucket } : { bucket, key: decode(keyPart) };
  return fromHost ? { ...address, virtualHosted: true } : address;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/** Maps a request to its S3 operation. Pure: no I/O, table-tested. */
export function resolveOperation(input: RouteInput): ResolvedOperation {
  const { bucket, key, virtualHosted } = parseAddress(input.host, input.rawPath, input.domains);
  const scope: Scope = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  const candidates = BY_METHOD_SCOPE.get(`${input.method} ${scope}`);
  if (!candidates) {
    throw new S3Error('MethodNotAllowed', { headers: { Allow: allowedMethods(scope) } });
  }
  let best: [OperationName, OperationSpec] | undefined;
  let bestScore = -1;
  for (const entry of candidates) {
    const spec = entry[1];
    if (spec.query && !spec.query.every((q) => input.queryNames.has(q))) continue;
    if (spec.header && !input.hasHeader(spec.header)) continue;
    const score = (spec.query?.length ?? 0) * 2 + (spec.header ? 1 : 0);
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  if (!best) throw new S3Error('MethodNotAllowed', { headers: { Allow: allowedMethods(scope) } });
  // A sub-resource the chosen operation does not name means another S3 operation, one this table
  // lacks: answer NotImplemented rather than serve the bare operation (`DELETE /b?publicAccessBlock`
  // must never delete the bucket).
  for (const name of input.queryNames) {
    if (SUB_RESOURCES.has(name) && !best[1].query?.includes(name)) {
      throw new S3Error('NotImplemented', { message: `The ?${name} sub-resource is not implemented for ${input.method} by this server.` });
    }
  }
  return { name: best[0], spec: best[1], bucket, key, ...(virtualHosted ? { virtualHostBucket: bucket } : {}) };
}

function allowedMethods(scope: Scope): string {
  return [...new Set(ENTRIES.filter(([, s]) => s.scope === scope).map(([, s]) => s.method))].join(', ');
}
