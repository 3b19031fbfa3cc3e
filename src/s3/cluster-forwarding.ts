import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Optional } from '@nestjs/common';
import { BucketLocationService } from '../cluster/bucket-location.service';
import { ClusterProxyService, ForwardVerdict, OwnerUnreachableError } from '../cluster/cluster-proxy.service';
import { ClusterNodesService } from '../cluster/cluster-nodes.service';
import { IamService, ResolvedAccessKey } from '../iam/iam.service';
import type { AuthResult, PayloadMode } from './auth/auth.types';
import { deriveSigningKey } from './auth/sigv4/signing-key';
import { S3Error } from './errors/s3-error';

/** Seconds a client is told to wait when a bucket's node cannot be reached. */
const RETRY_AFTER_SECONDS = '5';

/** What the entry node tells the owner about an authenticated request (signed with it). */
interface ForwardClaims {
  v: 1;
  /** Access key id; null = anonymous. */
  k: string | null;
  m: AuthResult['method'];
  /** How to read the body (the signing key is re-derived on the owner, never sent). */
  p: Omit<Extract<PayloadMode, { kind: 'chunked' }>, 'signingKey'> | Exclude<PayloadMode, { kind: 'chunked' }>;
  /** The client's address and whether it came over TLS, as the entry node saw them. */
  ip: string | null;
  tls: boolean;
}

/** A request another node forwarded here, its claims verified. */
export interface ForwardedRequest {
  auth: AuthResult;
  identity: ResolvedAccessKey | null;
  sourceIp: string | null;
  secure: boolean;
}

/**
 * The S3 port's side of cluster mode (a narrow seam for s3-server.ts): a request for a bucket held
 * by another node is streamed there once authenticated and authorized here (SigV4 is verified
 * once, at the entry node), and a request forwarded by another node is accepted on the strength
 * of its HMAC-signed claims. Single node: nothing here runs.
 */
@Injectable()
export class S3ClusterForwarding {
  constructor(
    private readonly iam: IamService,
    @Optional() private readonly nodes?: ClusterNodesService,
    @Optional() private readonly locations?: BucketLocationService,
    @Optional() private readonly proxy?: ClusterProxyService,
  ) {}

  get enabled(): boolean {
    return this.nodes?.enabled === true && this.locations !== undefined && this.proxy !== undefined;
  }

  /**
   * null for a client's own request; the caller's identity for a request forwarded by another
   * node. Cluster headers that do not verify (forged, unsigned, stale, replayed) → AccessDenied.
   */
  acceptForwarded(req: IncomingMessage): Promise<ForwardedRequest> | null {
    // No cluster headers (every client request): answered synchronously, nothing awaited.
    const verdict = this.proxy?.verifyForwarded(req);
    if (!verdict || verdict.kind === 'none') return null;
    return this.accept(verdict);
  }

  private async accept(verdict: Exclude<ForwardVerdict, { kind: 'none' }>): Promise<ForwardedRequest> {
    if (verdict.kind === 'refused') throw new S3Error('AccessDenied', { message: `Internal cluster request refused: ${verdict.reason}.` });
    let claims: ForwardClaims;
    try {
      claims = JSON.parse(Buffer.from(verdict.claims, 'base64url').toString('utf8')) as ForwardClaims;
    } catch {
      throw new S3Error('AccessDenied', { message: 'Internal cluster request refused: unreadable claims.' });
    }
    const identity = claims.k === null ? null : await this.iam.findAccessKey(claims.k);
    // The key was disabled or deleted since the entry node checked it.
    if (claims.k !== null && !identity) throw new S3Error('InvalidAccessKeyId');
    let payload = claims.p as PayloadMode;
    if (payload.kind === 'chunked' && payload.signed) {
      const [date, region, service] = (payload.scope ?? '').split('/');
      payload = { ...payload, signingKey: deriveSigningKey(identity!.secretKey, date, region, service) };
    }
    return {
      auth: { principalId: identity?.principal.userId ?? null, accessKeyId: claims.k, method: claims.m, payload },
      identity,
      sourceIp: claims.ip,
      secure: claims.tls,
    };
  }

  /**
   * Streams the request to the node holding `bucket` and the answer back; false when this node
   * serves it. A copy goes to the destination's owner, which streams the source from the node
   * holding it (BlobStore); an unreachable or unhealthy owner answers 503 with Retry-After
   * (nothing is accepted that the owner did not store).
   */
  async forwardIfRemote(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    auth: AuthResult,
    identity: ResolvedAccessKey | null,
    secure: boolean,
  ): Promise<boolean> {
    if (!this.enabled) return false;
    const owner = await this.locations!.remoteOwner(bucket);
    if (!owner) return false;
    if (owner.health !== 'healthy') {
      throw new S3Error('ServiceUnavailable', {
        message: `The node holding bucket ${bucket} (${owner.id}) is ${owner.health}; try again later.`,
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      });
    }
    const { signingKey: _key, ...payload } = auth.payload as Extract<PayloadMode, { kind: 'chunked' }>;
    const claims: ForwardClaims = {
      v: 1,
      k: identity?.accessKeyId ?? null,
      m: auth.method,
      p: payload,
      ip: req.socket?.remoteAddress ?? null,
      tls: secure,
    };
    try {
      await this.proxy!.forward(req, res, owner, Buffer.from(JSON.stringify(claims)).toString('base64url'));
    } catch (err) {
      if (err instanceof OwnerUnreachableError) {
        throw new S3Error('ServiceUnavailable', {
          message: `The node holding bucket ${bucket} (${owner.id}) cannot be reached; try again later.`,
          headers: { 'Retry-After': RETRY_AFTER_SECONDS },
        });
      }
      throw err;
    }
    return true;
  }
}
