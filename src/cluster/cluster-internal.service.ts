import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { ClusterNodesService } from './cluster-nodes.service';
import { NonceCache, sha256Hex, signInternalRequest, UNSIGNED_STREAM, verifyInternalRequest } from './internal-auth';

/** Internal routes live under this prefix on the S3 port (not a valid bucket name, so no S3 route collides). */
export const INTERNAL_PREFIX = '/_cluster/';
export const INTERNAL_NODE_PATH = '/_cluster/v1/node';
/** Bodies of internal calls are small JSON documents. */
const MAX_INTERNAL_BODY = 64 * 1024;
const CALL_TIMEOUT_MS = 3000;

/** A verified internal request, as a route handler sees it. */
export interface InternalRequestContext {
  /** The calling node. */
  node: string;
  /** Its signed claims ('' for none). */
  claims: string;
  path: string;
  query: URLSearchParams;
}

/** A route whose body is a stream (signed UNSIGNED-STREAM; what it trusts travels in the signed claims). */
export type InternalStreamHandler = (req: IncomingMessage, res: ServerResponse, ctx: InternalRequestContext) => Promise<void>;
/** A route with a small JSON body (its SHA-256 signed). */
export type InternalJsonHandler = (body: unknown, ctx: InternalRequestContext) => Promise<{ status: number; body: unknown }>;

type InternalRoute =
  | { method: string; prefix: string; kind: 'stream'; handle: InternalStreamHandler }
  | { method: string; prefix: string; kind: 'json'; handle: InternalJsonHandler };

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
  private readonly routes: InternalRoute[] = [];

  constructor(private readonly nodes: ClusterNodesService) {}

  /** Adds an internal route served under INTERNAL_PREFIX (`prefix` matches the path's start). */
  streamRoute(method: string, prefix: string, handle: InternalStreamHandler): void {
    this.routes.push({ method, prefix, kind: 'stream', handle });
  }

  jsonRoute(method: string, prefix: string, handle: InternalJsonHandler): void {
    this.routes.push({ method, prefix, kind: 'json', handle });
  }

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
    const [path, search] = target.split('?');
    const route = this.routes.find((r) => r.method === method && path.startsWith(r.prefix));
    const ctx: InternalRequestContext = { node: auth.node, claims: auth.claims, path, query: new URLSearchParams(search ?? '') };
    if (route?.kind === 'stream') {
      if (auth.contentSha256 !== UNSIGNED_STREAM) {
        req.resume();
        return json(res, 400, { error: 'BadRequest', message: `${path} takes a stream` });
      }
      return this.run(res, () => route.handle(req, res, ctx));
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
    if (route?.kind === 'json') {
      let parsed: unknown;
      try {
        parsed = body.length ? JSON.parse(body.toString('utf8')) : null;
      } catch {
        return json(res, 400, { error: 'BadRequest', message: 'internal request body is not JSON' });
      }
      return this.run(res, async () => {
        const out = await route.handle(parsed, ctx);
        json(res, out.status, out.body);
      });
    }
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

  private async run(res: ServerResponse, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.logger.warn(`internal route failed: ${(err as Error).message}`);
      if (!res.headersSent) json(res, 500, { error: 'InternalError', message: (err as Error).message });
      else res.destroy();
    }
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

/** Answers an internal request with a JSON document. */
export function json(res: ServerResponse, status: number, body: unknown): void {
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
