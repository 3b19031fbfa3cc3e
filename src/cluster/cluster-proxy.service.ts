import { Agent as HttpAgent, IncomingMessage, OutgoingHttpHeaders, request as httpRequest, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClusterNodesService } from './cluster-nodes.service';
import { CLUSTER_HEADER, NonceCache, signInternalRequest, UNSIGNED_STREAM, verifyInternalRequest } from './internal-auth';

/** Headers of one hop only (RFC 9110 §7.6.1), never forwarded; `expect` is answered by the entry node's server already. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);
const CLUSTER_HEADERS = new Set<string>(Object.values(CLUSTER_HEADER));
/** Longest silence of the owner's connection before it answered (its headers); a body may then take as long as it takes. */
const ANSWER_TIMEOUT_MS = 60_000;

/** The owner could not be reached before anything was sent back to the client: the caller may answer 503. */
export class OwnerUnreachableError extends Error {
  constructor(
    readonly nodeId: string,
    cause: unknown,
  ) {
    super(`node ${nodeId} could not be reached: ${(cause as Error)?.message ?? cause}`);
    this.name = 'OwnerUnreachableError';
  }
}

export type ForwardVerdict = { kind: 'none' } | { kind: 'forwarded'; node: string; claims: string } | { kind: 'refused'; reason: string };

/**
 * Streams a request to the node that owns its bucket and the answer back, both ways piped
 * (no buffering): the entry node has authenticated the caller; the forwarded request carries the
 * original method, path, query, headers and body, plus the HMAC-signed cluster headers with the
 * entry node's claims (who the caller is). The owner trusts those claims only after
 * verifyForwarded() has checked the signature.
 */
@Injectable()
export class ClusterProxyService implements OnApplicationShutdown {
  private readonly logger = new Logger(ClusterProxyService.name);
  private readonly nonces = new NonceCache();
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  private forwarded = 0;
  private failures = 0;

  constructor(private readonly nodes: ClusterNodesService) {}

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  stats(): { forwarded: number; failures: number } {
    return { forwarded: this.forwarded, failures: this.failures };
  }

  /**
   * Whether a request arriving here was forwarded by another node: `none` (no cluster headers:
   * a client's request), `forwarded` (signature valid), or `refused` (cluster headers that do not
   * verify: forged, stale or replayed; or cluster mode is off).
   */
  verifyForwarded(req: IncomingMessage): ForwardVerdict {
    const h = req.headers;
    if (h[CLUSTER_HEADER.signature] === undefined && h[CLUSTER_HEADER.node] === undefined && h[CLUSTER_HEADER.claims] === undefined) {
      return { kind: 'none' };
    }
    if (!this.nodes.cluster) return { kind: 'refused', reason: 'cluster mode is off' };
    const v = verifyInternalRequest(this.nodes.cluster.secret, req.method ?? 'GET', req.url ?? '/', h, this.nonces);
    if (!v.ok) {
      this.logger.warn(`refused a forwarded request ${req.method} ${req.url} from ${req.socket.remoteAddress}: ${v.reason}`);
      return { kind: 'refused', reason: v.reason };
    }
    if (v.contentSha256 !== UNSIGNED_STREAM) return { kind: 'refused', reason: 'not a forwarded stream' };
    return { kind: 'forwarded', node: v.node, claims: v.claims };
  }

  /**
   * Streams `req` to `baseUrl` (the owner's internal endpoint) and its answer to `res`. Resolves
   * when the answer has been sent; rejects with OwnerUnreachableError when the owner did not
   * answer (nothing was written to `res` then). An error after the answer started destroys `res`.
   */
  forward(req: IncomingMessage, res: ServerResponse, target: { id: string; internalEndpoint: string }, claims: string): Promise<void> {
    const c = this.nodes.cluster!;
    const url = new URL(req.url ?? '/', target.internalEndpoint);
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || CLUSTER_HEADERS.has(name)) continue;
      headers[name] = value;
    }
    // The Host the client used: virtual-hosted-style routing on the owner sees the same bucket.
    if (req.headers.host) headers.host = req.headers.host;
    Object.assign(
      headers,
      signInternalRequest(c.secret, c.nodeId, {
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        contentSha256: UNSIGNED_STREAM,
        claims,
      }),
    );
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    this.forwarded++;
    return new Promise<void>((resolve, reject) => {
      let answered = false;
      let settled = false;
      const done = (err?: unknown) => {
        if (settled) return;
        settled = true;
        if (err) {
          this.failures++;
          reject(err);
        } else resolve();
      };
      const upstream = send(url, {
        method: req.method,
        headers,
        agent: https ? this.httpsAgent : this.httpAgent,
        timeout: ANSWER_TIMEOUT_MS,
      });
      upstream.on('timeout', () => {
        if (!answered) upstream.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
      });
      upstream.on('response', (answer) => {
        answered = true;
        upstream.setTimeout(0);
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        for (const name of res.getHeaderNames()) if (!(name in out)) out[name] = res.getHeader(name);
        res.writeHead(answer.statusCode ?? 502, out);
        pipeline(answer, res, (err) => {
          if (err) {
            this.logger.warn(`forwarded answer from ${target.id} broke off: ${err.message}`);
            res.destroy();
          }
          done();
        });
      });
      upstream.on('error', (err) => {
        if (!answered) {
          // The client's body may be half sent: this connection cannot carry another request.
          res.setHeader('Connection', 'close');
          done(new OwnerUnreachableError(target.id, err));
        } else {
          res.destroy(err);
          done();
        }
      });
      // No body (a read; or one sent again to a replica after its owner did not answer): nothing to pipe,
      // and the client's request stays intact whatever happens upstream.
      if (req.readableEnded || hasNoBody(req)) {
        req.resume();
        upstream.end();
      } else {
        pipeline(req, upstream, (err) => {
          if (err && !answered) upstream.destroy(err);
        });
      }
    });
  }
}

function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}
