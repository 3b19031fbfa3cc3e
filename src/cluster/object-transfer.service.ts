import { Agent as HttpAgent, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { In } from 'typeorm';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from '../objects/entities/object.entity';
import { BlobEntity } from '../storage/blob.entity';
import { BlobStore } from '../storage/blob-store.service';
import { BlobNotFoundError } from '../storage/storage-backend';
import { ClusterInternalService, InternalRequestContext } from './cluster-internal.service';
import { ClusterNodesService } from './cluster-nodes.service';
import { signInternalRequest, UNSIGNED_STREAM } from './internal-auth';

/** PUT <prefix><blob id>: the blob's stored bytes as a stream. */
export const INTERNAL_BLOB_PATH = '/_cluster/v1/blobs/';
/** POST {ids}: which of these blobs the node holds. */
export const INTERNAL_BLOBS_HELD_PATH = '/_cluster/v1/blob-set/held';
/** POST {ids}: drop the local copies of these blobs (only those no version references any more). */
export const INTERNAL_BLOBS_RELEASE_PATH = '/_cluster/v1/blob-set/release';
/** Longest silence of a receiving node before it answered; the bytes themselves take as long as they take. */
const ANSWER_TIMEOUT_MS = 60_000;
const MAX_IDS = 1000;
const BLOB_ID = /^[0-9a-f]{32}$/;

/** A node bytes are sent to (ClusterNodeView fits). */
export interface TransferTarget {
  id: string;
  internalEndpoint: string;
}

/** One object version: its bytes are the blobs of its manifest (several for a multipart object). */
export interface VersionRef {
  bucket: string;
  key: string;
  versionId: string;
}

export interface StoredBlob {
  id: string;
  /** Stored bytes (ciphertext size for an encrypted object). */
  size: number;
}

/** What the catalog says of a version: the receiver checks its copy against it. */
export interface VersionManifest extends VersionRef {
  etag: string;
  size: number;
  isDeleteMarker: boolean;
  blobs: StoredBlob[];
}

export interface TransferOutcome {
  /** false: the version no longer exists (deleted since): nothing to copy, not an error. */
  found: boolean;
  /** Blobs sent now (the others were already on the target). */
  sent: number;
  bytes: number;
}

/** The signed claims of a blob transfer. */
interface BlobClaims {
  id: string;
  size: number;
  bucket?: string;
  key?: string;
  versionId?: string;
}

/** A transfer that the target refused or could not complete. */
export class TransferError extends Error {
  constructor(
    message: string,
    /** HTTP status of the target's answer; 0 when it could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

/**
 * Node-to-node transfer of object bytes over the HMAC-signed internal API (cluster replication,
 * bucket migrations). In cluster mode every node reads the same catalog (PostgreSQL): an object
 * version's metadata, version id, tags, ACL, retention and encryption envelope are rows every node
 * sees; only its bytes live on one node's volume. A version is therefore copied by streaming each
 * blob of its manifest, raw (still encrypted when it is), under the same blob id: the receiving
 * node can then serve the version from its own volume. The signed claims name the blob, its stored
 * size and the version it belongs to; the receiver accepts only a blob the catalog registers with
 * that size, writes it atomically (temp file, fsync, rename), and checks the byte count. Nothing
 * is buffered whole on either side. Idempotent: a blob the target holds already is not sent.
 */
@Injectable()
export class ObjectTransferService implements OnApplicationShutdown {
  private readonly logger = new Logger(ObjectTransferService.name);
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private received = { blobs: 0, bytes: 0 };
  private sent = { blobs: 0, bytes: 0 };

  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly internal: ClusterInternalService,
    private readonly db: DatabaseService,
    private readonly blobs: BlobStore,
  ) {
    internal.streamRoute('PUT', INTERNAL_BLOB_PATH, (req, res, ctx) => this.receiveBlob(req, res, ctx));
    internal.jsonRoute('POST', INTERNAL_BLOBS_HELD_PATH, async (body) => ({ status: 200, body: { ids: await this.held(idsOf(body)) } }));
    internal.jsonRoute('POST', INTERNAL_BLOBS_RELEASE_PATH, async (body) => ({
      status: 200,
      body: { released: await this.releaseLocal(idsOf(body)) },
    }));
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  stats(): { sent: { blobs: number; bytes: number }; received: { blobs: number; bytes: number } } {
    return { sent: { ...this.sent }, received: { ...this.received } };
  }

  /** The catalog's view of a version and the blobs holding its bytes; null when it does not exist (any more). */
  async manifestOf(ref: VersionRef): Promise<VersionManifest | null> {
    const bucket = await this.db.repo(BucketEntity).findOne({ select: { id: true }, where: { name: ref.bucket } });
    if (!bucket) return null;
    const row = await this.db.repo(ObjectEntity).findOne({ where: { bucketId: bucket.id, key: ref.key, versionId: ref.versionId } });
    if (!row) return null;
    const ids = row.manifest.map((e) => e.b);
    const sizes = ids.length ? await this.db.repo(BlobEntity).find({ where: { id: In(ids) } }) : [];
    const sizeOf = new Map(sizes.map((b) => [b.id, b.size]));
    // A blob missing from the registry was released since the row was read: the version is going away.
    if (ids.some((id) => !sizeOf.has(id))) return null;
    return {
      ...ref,
      etag: row.etag,
      size: row.size,
      isDeleteMarker: row.isDeleteMarker,
      blobs: ids.map((id) => ({ id, size: sizeOf.get(id)! })),
    };
  }

  /**
   * Makes `target` hold the bytes of one version: asks which blobs it has, streams the others.
   * Throws TransferError when the target refuses or breaks off (the caller retries).
   */
  async pushVersion(target: TransferTarget, ref: VersionRef): Promise<TransferOutcome> {
    const manifest = await this.manifestOf(ref);
    if (!manifest) return { found: false, sent: 0, bytes: 0 };
    if (manifest.blobs.length === 0) return { found: true, sent: 0, bytes: 0 };
    const held = new Set(
      await this.heldBy(
        target,
        manifest.blobs.map((b) => b.id),
      ),
    );
    let sent = 0;
    let bytes = 0;
    for (const blob of manifest.blobs) {
      if (held.has(blob.id)) continue;
      const ok = await this.pushBlob(target, blob, ref);
      // Gone from the catalog meanwhile (the version was deleted): nothing left to copy.
      if (!ok) return { found: false, sent, bytes };
      sent++;
      bytes += blob.size;
    }
    return { found: true, sent, bytes };
  }

  /**
   * Streams one blob (its stored bytes) to `target`. false: the target says the catalog does not
   * register that blob (deleted since); throws TransferError on any other failure.
   */
  async pushBlob(target: TransferTarget, blob: StoredBlob, ref?: VersionRef): Promise<boolean> {
    const c = this.nodes.cluster;
    if (!c) throw new Error('cluster mode is off');
    let source;
    try {
      source = await this.blobs.read(blob.id);
    } catch (err) {
      if (err instanceof BlobNotFoundError) throw new TransferError(`blob ${blob.id} is not on this node (${c.nodeId})`, 0);
      throw err;
    }
    const claims: BlobClaims = { id: blob.id, size: blob.size, bucket: ref?.bucket, key: ref?.key, versionId: ref?.versionId };
    const path = `${INTERNAL_BLOB_PATH}${blob.id}`;
    const url = new URL(path, target.internalEndpoint);
    const headers: Record<string, string | number> = {
      ...signInternalRequest(c.secret, c.nodeId, {
        method: 'PUT',
        target: path,
        contentSha256: UNSIGNED_STREAM,
        claims: Buffer.from(JSON.stringify(claims)).toString('base64url'),
      }),
      'content-type': 'application/octet-stream',
      'content-length': blob.size,
    };
    const https = url.protocol === 'https:';
    const status = await new Promise<number>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, {
        method: 'PUT',
        headers,
        agent: https ? this.httpsAgent : this.httpAgent,
        timeout: ANSWER_TIMEOUT_MS,
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
      req.on('response', (answer) => {
        req.setTimeout(0);
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          if (text.length < 2000) text += chunk;
        });
        answer.on('end', () => {
          const code = answer.statusCode ?? 0;
          if (code === 200 || code === 410) resolve(code);
          else reject(new TransferError(`node ${target.id} refused blob ${blob.id}: ${code} ${text.slice(0, 300)}`, code));
        });
        answer.on('error', (err) => reject(new TransferError(`node ${target.id}: ${err.message}`, 0)));
      });
      req.on('error', (err) => {
        source.destroy();
        reject(new TransferError(`node ${target.id} could not be reached: ${err.message}`, 0));
      });
      pipeline(source, req, (err) => {
        if (err) req.destroy(err);
      });
    });
    if (status === 410) return false;
    this.sent.blobs++;
    this.sent.bytes += blob.size;
    return true;
  }

  /** Which of `ids` the target holds. */
  async heldBy(target: TransferTarget, ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const r = await this.internal.call(target.internalEndpoint, 'POST', INTERNAL_BLOBS_HELD_PATH, { ids: ids.slice(i, i + MAX_IDS) });
      if (r.status !== 200) throw new TransferError(`node ${target.id} answered ${r.status} to ${INTERNAL_BLOBS_HELD_PATH}`, r.status);
      out.push(...idsOf(r.body));
    }
    return out;
  }

  /** Asks `target` to drop its copies of `ids` (it keeps any the catalog still references). Returns how many it dropped. */
  async releaseOn(target: TransferTarget, ids: string[]): Promise<number> {
    let released = 0;
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const r = await this.internal.call(target.internalEndpoint, 'POST', INTERNAL_BLOBS_RELEASE_PATH, { ids: ids.slice(i, i + MAX_IDS) });
      if (r.status !== 200) throw new TransferError(`node ${target.id} answered ${r.status} to ${INTERNAL_BLOBS_RELEASE_PATH}`, r.status);
      released += Number((r.body as { released?: number } | null)?.released ?? 0);
    }
    return released;
  }

  // --- the receiving side ---

  private async receiveBlob(req: IncomingMessage, res: ServerResponse, ctx: InternalRequestContext): Promise<void> {
    const id = ctx.path.slice(INTERNAL_BLOB_PATH.length);
    let claims: BlobClaims;
    try {
      claims = JSON.parse(Buffer.from(ctx.claims, 'base64url').toString('utf8')) as BlobClaims;
    } catch {
      claims = { id: '', size: -1 };
    }
    if (!BLOB_ID.test(id) || claims.id !== id || !Number.isSafeInteger(claims.size) || claims.size < 0) {
      req.resume();
      return reply(res, 400, { error: 'BadRequest', message: 'blob id, path and claims disagree' });
    }
    const registered = await this.db.repo(BlobEntity).findOne({ where: { id } });
    if (!registered) {
      req.resume();
      return reply(res, 410, { error: 'Gone', message: `blob ${id} is not registered (its version was deleted)` });
    }
    if (registered.size !== claims.size) {
      req.resume();
      return reply(res, 409, { error: 'Conflict', message: `blob ${id} is registered with ${registered.size} bytes, not ${claims.size}` });
    }
    const { size } = await this.blobs.writeAs(id, req, (n) => {
      if (n !== registered.size) throw new Error(`blob ${id}: received ${n} of ${registered.size} bytes`);
    });
    this.received.blobs++;
    this.received.bytes += size;
    reply(res, 200, { id, size, node: this.nodes.nodeId });
  }

  private async held(ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids) {
      try {
        (await this.blobs.read(id, { start: 0, end: 0 })).destroy();
        out.push(id);
      } catch (err) {
        if (!(err instanceof BlobNotFoundError)) throw err;
      }
    }
    return out;
  }

  /** Drops local copies the catalog no longer references; a referenced blob is kept (this node may own it). */
  private async releaseLocal(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const live = new Set((await this.db.repo(BlobEntity).find({ select: { id: true }, where: { id: In(ids) } })).map((b) => b.id));
    const dead = ids.filter((id) => !live.has(id));
    await this.blobs.release(dead);
    if (dead.length) this.logger.debug(`released ${dead.length} replica blob(s)`);
    return dead.length;
  }
}

function idsOf(body: unknown): string[] {
  const ids = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids)) return [];
  return ids.filter((x): x is string => typeof x === 'string' && BLOB_ID.test(x)).slice(0, MAX_IDS);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
