import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { ClusterNodesService } from './cluster-nodes.service';
import { NonceCache, sha256Hex, signInternalRequest, UNSIGNED_STREAM, verifyInternalRequest } from './internal-auth';
import { RemoteBlobsService } from './remote-blobs.service';

/** Internal routes live under this prefix on the S3 port (not a valid bucket name, so no S3 route collides). */
export const INTERNAL_PREFIX = '/_cluster/';
export const INTERNAL_NODE_PATH = '/_cluster/v1/node';
/** Bodies of internal calls are small JSON documents. */
const MAX_INTERNAL_BODY = 64 * 1024;
const CALL_TIMEOUT_MS = 3000;

export interface InternalCallResult {
  status: number;
  body: unknown;
  latencyMs: number;
}

/**
 * Node-to-node calls: the internal routes this node serves (on its S3 port, under /_cluster/),
 * each refused with 403 unless HMAC-signed with CLUSTER_SECRET (internal-auth.ts), and the client
 * that calls other nodes' routes with a signature. This is the transport between nodes: it sees
 * raw HTTP, as the S3 layer does; no S3 or console code is involved.
 */
@Injectable()
export class ClusterInternalService {
  private readonly logger = new Logger(ClusterInternalService.name);
  private readonly nonces = new NonceCache();

  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly blobs: RemoteBlobsService,
  ) {}

  /** Whether the S3 port must hand this request to serve() (cluster mode and an internal path). */
  handles(rawPath: string): boolean {
    return this.nodes.enabled && rawPath.startsWith(INTERNAL_PREFIX);
  }

  /** Serves an internal route; unsigned, forged, stale or replayed requests get 403. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const secret = this.nodes.cluster!.secret;
    const target = req.url ?? '/';
    const method = req.method ?? 'GET';
    const auth = verifyInternalRequest(secret, method, target, req.headers, this.nonces);
    if (!auth.ok) {
      this.logger.warn(`refused internal request ${method} ${target} from ${req.socket.remoteAddress}: ${auth.reason}`);
      req.resume();
      return json(res, 403, { error: 'Forbidden', message: `internal cluster request refused: ${auth.reason}` });
    }
    const path = target.split('?')[0];
    const streamed = auth.contentSha256 === UNSIGNED_STREAM;
    // A blob's bytes stream through; every other internal body is a small signed JSON document.
    if (streamed) {
      if (this.blobs.handles(path)) return this.blobs.serve(req, res, method, target, true);
      req.resume();
      return json(res, 400, { error: 'BadRequest', message: 'this internal route takes no streamed body' });
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_INTERNAL_BODY);
    } catch {
      return json(res, 413, { error: 'PayloadTooLarge', message: 'internal request body too large' });
    }
    if (sha256Hex(body) !== auth.contentSha256) {
      return json(res, 403, { error: 'Forbidden', message: 'internal cluster request refused: body does not match its signed hash' });
    }
    if (this.blobs.handles(path)) return this.blobs.serve(req, res, method, target, false, body);
    if (method === 'GET' && path === INTERNAL_NODE_PATH) {
      const self = await this.nodes.get(this.nodes.nodeId);
      return json(res, 200, {
        node_id: self.id,
        node_name: self.name,
        cluster_id: this.nodes.clusterId(),
        status: self.status,
        asked_by: auth.node,
        time: new Date().toISOString(),
      });
    }
    return json(res, 404, { error: 'NotFound', message: `no internal route ${method} ${path}` });
  }

  /** Calls another node's internal route with a signed request. Network errors throw. */
  async call(baseUrl: string, method: string, path: string, body?: unknown): Promise<InternalCallResult> {
    const c = this.nodes.cluster;
    if (!c) throw new Error('cluster mode is off');
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const headers = signInternalRequest(c.secret, c.nodeId, { method, target: path, contentSha256: sha256Hex(payload) });
    if (payload.length) headers['content-type'] = 'application/json';
    const started = performance.now();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: payload.length ? payload : undefined,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    const latencyMs = Math.round(performance.now() - started);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed, latencyMs };
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        reject(new Error('too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
