import { Agent as HttpAgent, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { RemoteBlobs } from '../storage/remote-blobs';
import { BlobNotFoundError, BlobWriteResult, ByteRange, STORAGE_BACKEND, StorageBackend } from '../storage/storage-backend';
import { ClusterInternalService, InternalRequestContext, json } from './cluster-internal.service';
import { ClusterNodesService } from './cluster-nodes.service';
import { sha256Hex, signInternalRequest, UNSIGNED_STREAM } from './internal-auth';

/** Internal routes of a node's blobs (on its S3 port, HMAC-signed like every /_cluster/ route). */
export const BLOB_IO_PATH = '/_cluster/v1/blob-io/';
const BLOB_ID = /^[0-9a-f]{32}$/;
const DELETE_BATCH = 500;
/** Longest wait for a node's answer (its headers); a body then takes as long as it takes. */
const ANSWER_TIMEOUT_MS = 30_000;
const ENDPOINT_TTL_MS = 2_000;
/** Seconds a client is told to wait when the node holding the bytes cannot be reached. */
export const NODE_RETRY_AFTER_SECONDS = 5;

/**
 * Blob bytes between nodes for requests served on a node that does not hold the bucket (console
 * uploads and downloads, a copy whose source is elsewhere): the client side of RemoteBlobs
 * (streams to and from another node's volume) and the internal routes serving this node's volume:
 * - GET  /_cluster/v1/blob-io/{id}?start=&end=  the stored bytes (a range of them)
 * - PUT  /_cluster/v1/blob-io/new               a new blob from the streamed body → { blob_id, size }
 * - POST /_cluster/v1/blob-io/delete            { ids: [...] }
 * Stored bytes move as they are on disk (encrypted blobs stay encrypted: every node has the master
 * key). A new blob is registered by the writer's transaction, as a local write is; until then the
 * owner's orphan sweep leaves it alone for its grace period. Whole-version copies to a node that
 * keeps the blob ids (replication, migrations) are ObjectTransferService's.
 */
@Injectable()
export class RemoteBlobsService extends RemoteBlobs implements OnApplicationShutdown {
  private readonly logger = new Logger(RemoteBlobsService.name);
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private readonly endpoints = new Map<string, { url: string; at: number }>();

  constructor(
    private readonly nodes: ClusterNodesService,
    internal: ClusterInternalService,
    @Inject(STORAGE_BACKEND) private readonly backend: StorageBackend,
  ) {
    super();
    internal.streamRoute('GET', BLOB_IO_PATH, (req, res, ctx) => this.serveBlob(req, res, ctx));
    internal.streamRoute('PUT', `${BLOB_IO_PATH}new`, (req, res) => this.receive(req, res));
    internal.jsonRoute('POST', `${BLOB_IO_PATH}delete`, (body) => this.deleteLocal(body));
  }

  get enabled(): boolean {
    return this.nodes.enabled;
  }

  get localNodeId(): string {
    return this.nodes.nodeId;
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async read(nodeId: string, blobId: string, range?: ByteRange): Promise<Readable> {
    const query = range ? `?start=${range.start}&end=${range.end}` : '';
    const res = await this.send(nodeId, 'GET', `${BLOB_IO_PATH}${blobId}${query}`);
    if (res.statusCode === 200) return res;
    const text = await drain(res);
    if (res.statusCode === 404) throw new BlobNotFoundError(blobId);
    throw unavailable(nodeId, `answered ${res.statusCode} reading blob ${blobId}: ${text}`);
  }

  async write(nodeId: string, source: Readable, verify?: (size: number) => void | Promise<void>): Promise<BlobWriteResult> {
    let res: IncomingMessage;
    // A failing source (the client went away, a bad chunk signature) is the error to report, not the broken upload.
    let sourceError: unknown;
    source.once('error', (err) => (sourceError = err));
    try {
      res = await this.send(nodeId, 'PUT', `${BLOB_IO_PATH}new`, source);
    } catch (err) {
      source.destroy();
      throw sourceError ?? err;
    }
    if (sourceError) {
      res.resume();
      throw sourceError;
    }
    const text = await drain(res);
    if (res.statusCode !== 200) throw unavailable(nodeId, `answered ${res.statusCode} writing a blob: ${text}`);
    const body = JSON.parse(text) as { blob_id: string; size: number };
    const written = { blobId: body.blob_id, size: body.size };
    if (verify) {
      try {
        await verify(written.size);
      } catch (err) {
        await this.delete(nodeId, [written.blobId]).catch(() => undefined);
        throw err;
      }
    }
    return written;
  }

  async delete(nodeId: string, blobIds: string[]): Promise<void> {
    for (let i = 0; i < blobIds.length; i += DELETE_BATCH) {
      const res = await this.send(nodeId, 'POST', `${BLOB_IO_PATH}delete`, { ids: blobIds.slice(i, i + DELETE_BATCH) });
      const text = await drain(res);
      if (res.statusCode !== 200) throw unavailable(nodeId, `answered ${res.statusCode} deleting blobs: ${text}`);
    }
  }

  /** PUT: a new blob from the streamed body → { blob_id, size }. */
  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const written = await this.backend.put(req);
    json(res, 200, { blob_id: written.blobId, size: written.size });
  }

  /** GET <id>?start=&end=: the stored bytes (a range of them). */
  private async serveBlob(req: IncomingMessage, res: ServerResponse, ctx: InternalRequestContext): Promise<void> {
    req.resume();
    const id = ctx.path.slice(BLOB_IO_PATH.length);
    if (!BLOB_ID.test(id)) return json(res, 404, { error: 'NotFound', message: `no blob ${id}` });
    const start = ctx.query.get('start');
    const end = ctx.query.get('end');
    const range = start !== null && end !== null ? { start: Number(start), end: Number(end) } : undefined;
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
      return json(res, 400, { error: 'BadRequest', message: 'bad range' });
    }
    let stream: Readable;
    try {
      stream = await this.backend.get(id, range);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return json(res, 404, { error: 'NotFound', message: err.message });
      throw err;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    pipeline(stream, res, (err) => {
      if (err) res.destroy();
    });
  }

  /** POST delete { ids }: deletes these blobs from this node's volume. */
  private async deleteLocal(body: unknown): Promise<{ status: number; body: unknown }> {
    const ids = (body as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(ids) || ids.length > DELETE_BATCH || !ids.every((id) => typeof id === 'string' && BLOB_ID.test(id))) {
      return { status: 400, body: { error: 'BadRequest', message: `expected { ids: [up to ${DELETE_BATCH} blob ids] }` } };
    }
    for (const id of ids as string[]) await this.backend.delete(id);
    return { status: 200, body: { deleted: ids.length } };
  }

  private async endpoint(nodeId: string): Promise<string> {
    const hit = this.endpoints.get(nodeId);
    if (hit && Date.now() - hit.at < ENDPOINT_TTL_MS) return hit.url;
    const node = await this.nodes.get(nodeId);
    this.endpoints.set(nodeId, { url: node.internalEndpoint, at: Date.now() });
    return node.internalEndpoint;
  }

  /** A signed request to `nodeId`; resolves with its answer (headers read), rejects when it cannot be reached. */
  private async send(nodeId: string, method: string, path: string, body?: Readable | object): Promise<IncomingMessage> {
    const c = this.nodes.cluster;
    if (!c) throw new Error('cluster mode is off');
    const url = new URL(path, await this.endpoint(nodeId));
    const streamed = body instanceof Readable;
    const payload = streamed || body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = signInternalRequest(c.secret, c.nodeId, {
      method,
      target: path,
      // A JSON body is signed by its hash; a blob (or a GET answered with one) is a stream route.
      contentSha256: body === undefined || streamed ? UNSIGNED_STREAM : sha256Hex(payload),
    });
    if (!streamed) headers['content-length'] = String(payload.length);
    if (payload.length) headers['content-type'] = 'application/json';
    const https = url.protocol === 'https:';
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, {
        method,
        headers,
        agent: https ? this.httpsAgent : this.httpAgent,
        timeout: ANSWER_TIMEOUT_MS,
      });
      let answered = false;
      req.on('timeout', () => {
        if (!answered) req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
      });
      req.on('response', (res) => {
        answered = true;
        req.setTimeout(0);
        resolve(res);
      });
      req.on('error', (err) => {
        if (!answered) reject(unavailable(nodeId, err.message));
      });
      if (streamed) {
        pipeline(body, req, (err) => {
          if (err && !answered) req.destroy(err);
        });
      } else req.end(payload);
    });
  }
}

function unavailable(nodeId: string, why: string): DomainError {
  return new DomainError(
    'ClusterNodeUnavailable',
    `cluster node ${nodeId} holding the bytes could not serve them (${why}); try again later`,
    {
      node_id: nodeId,
      retryAfter: NODE_RETRY_AFTER_SECONDS,
    },
  );
}

function drain(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
