import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { BucketsService } from '../buckets/buckets.service';
import { ObjectsService } from '../objects/objects.service';
import { ClusterInternalService } from '../cluster/cluster-internal.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { DiskReserve } from '../storage/disk-reserve.service';
import { isStorageFull } from '../storage/storage-full';
import { IdGenerator } from '../common/ids';
import { SERVER_NAME } from '../common/server-name';
import { requestContext } from '../common/request-context';
import { HealthService } from '../health/health.service';
import { AuditService } from '../audit/audit.service';
import { refusedInMaintenance } from '../settings/maintenance';
import { SettingsService } from '../settings/settings.service';
import { AuthorizationService } from '../iam/authorization.service';
import { IamService, ResolvedAccessKey } from '../iam/iam.service';
import { ANONYMOUS, Principal } from '../iam/principal';
import { MetricsService } from '../metrics/metrics.service';
import { authenticate } from './auth/authenticate';
import { createAwsChunkedDecoder } from './auth/aws-chunked-decoder';
import type { PayloadMode } from './auth/auth.types';
import { domainToS3 } from './errors/domain-to-s3';
import { S3Error } from './errors/s3-error';
import { S3Call, S3Payload } from './handlers/handles-s3.decorator';
import { header, parseCopySource } from './handlers/request-values';
import { corsResponseHeaders, matchCorsRule } from './http/cors';
import { H } from './http/headers';
import { actionFor, policyContext } from './http/policy-context';
import { parseQuery } from './http/query';
import { checkEncryptionHeaders } from './http/server-side-encryption';
import { assertKnownStorageClass } from './http/storage-class';
import { writeError, writeResult } from './http/s3-response-writer';
import { resolveOperation } from './routing/resolve-operation';
import { S3Dispatcher } from './s3-dispatcher';
import { S3ClusterForwarding } from './cluster-forwarding';

const HEALTH_PATHS = new Set(['/health', '/ready', '/metrics']);
const MUTATING_METHODS = new Set(['PUT', 'POST', 'DELETE']);
/** Error codes that mean the caller was refused (audited as `denied`). */
const DENIAL_CODES = new Set(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'RequestTimeTooSkewed', 'ExpiredToken']);
const AUTH_QUERY_KEYS = ['X-Amz-Signature', 'X-Amz-Credential', 'Signature', 'AWSAccessKeyId'];
const NO_TRAILERS = () => ({});
/** Retry-After of a 503 for a passing fault (database outage). */
const RETRY_AFTER_SECONDS = '5';
/** Domain errors saying the addressed object (version) is not there. */
const ABSENT_OBJECT = new Set<string>(['ObjectNotFound', 'VersionNotFound']);

/**
 * The S3 port's request handler. It runs on Node's http server directly, with no body parser
 * and no framework router in the path: bodies stay streams, and routing is the operation table.
 * (Nest still builds and injects everything here; only its per-request pipeline is skipped.)
 */
@Injectable()
export class S3Server {
  private readonly logger = new Logger(S3Server.name);
  private readonly hostId: string;
  /** Uploads in flight per client IP (s3MaxUploadsPerClient). */
  private readonly uploadsInFlight = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly iam: IamService,
    private readonly authz: AuthorizationService,
    private readonly dispatcher: S3Dispatcher,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly health: HealthService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly bucketConfigs: BucketConfigService,
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
    private readonly diskReserve: DiskReserve,
    @Optional() private readonly cluster?: ClusterInternalService,
    @Optional() private readonly forwarding?: S3ClusterForwarding,
  ) {
    this.hostId = Buffer.from(`${this.config.region}/${process.pid}`).toString('base64');
  }

  /** For http.createServer(). */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => this.run(req, res, false);

  /** For the server's 'checkContinue' event: `100 Continue` is sent once the request is authorized. */
  readonly handleExpectContinue = (req: IncomingMessage, res: ServerResponse): void => this.run(req, res, true);

  private run(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    const requestId = this.ids.requestId();
    // Log lines written while serving the request carry its id (AppLogger reads the context).
    requestContext.run({ requestId }, () =>
      this.serve(req, res, expectsContinue, requestId).catch((err) => {
        this.logger.error({ msg: 'request failed after its response', requestId, error: String(err) }, (err as Error)?.stack);
        if (!res.writableEnded) res.destroy();
      }),
    );
  }

  private async serve(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean, requestId: string): Promise<void> {
    const started = process.hrtime.bigint();
    res.setHeader(H.amzRequestId, requestId);
    res.setHeader(H.amzId2, this.hostId);
    res.setHeader('Server', SERVER_NAME);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    let operation = 'Unknown';
    let resource = rawPath;
    let audited: { bucket?: string; key?: string; principal: Principal | null; mutating: boolean; sourceIp?: string | null } | undefined;
    let errorCode: string | undefined;
    const release = this.admitUpload(req, res);
    try {
      if (release === false) {
        throw new S3Error('SlowDown', {
          message: 'Too many uploads in flight from your address; retry later.',
          headers: { 'Retry-After': '1' },
        });
      }
      this.watchIdleBody(req, res, requestId);
      resource = safeDecode(rawPath);
      // Cluster mode: node-to-node routes (/_cluster/…), HMAC-signed, served by src/cluster.
      if (this.cluster?.handles(rawPath)) {
        operation = 'ClusterInternal';
        await this.cluster.serve(req, res);
        return;
      }
      const { pairs, params: query } = parseQuery(rawQuery);
      if (HEALTH_PATHS.has(rawPath) && (method === 'GET' || method === 'HEAD') && !this.hasCredentials(req, query)) {
        operation = rawPath.slice(1);
        await this.serveHealth(rawPath, res);
        return;
      }
      const route = resolveOperation({
        method,
        host: req.headers.host,
        rawPath,
        queryNames: new Set(query.keys()),
        hasHeader: (name) => req.headers[name] !== undefined,
        domains: this.config.domains,
      });
      operation = route.name;
      audited = { bucket: route.bucket, key: route.key, principal: null, mutating: MUTATING_METHODS.has(route.spec.method) };
      // CORS headers go on before anything can fail, so that refusals carry them too.
      if (req.headers.origin !== undefined && route.bucket !== undefined && !route.spec.anonymous) {
        await this.applyCors(res, route.bucket, method, req.headers);
      }
      if (route.spec.anonymous) {
        // A CORS preflight carries no credentials by design: neither authenticated nor authorized.
        await writeResult(res, await this.dispatcher.dispatch(this.anonymousCall(req, route, query, requestId, resource)), method);
        return;
      }
      if (refusedInMaintenance(route.spec.method) && this.settings.maintenanceMode()) {
        throw new S3Error('ServiceUnavailable', { message: this.settings.maintenanceMessage(), headers: { 'Retry-After': '60' } });
      }

      let resolved: ResolvedAccessKey | null = null;
      // Cluster mode: a request another node authenticated and forwarded here (HMAC-signed claims).
      const accepting = route.spec.formAuth ? undefined : this.forwarding?.acceptForwarded(req);
      const forwarded = accepting ? await accepting : null;
      // A browser form upload (PostObject) carries its credentials in the form: its handler signs in.
      const auth = route.spec.formAuth
        ? null
        : forwarded
          ? forwarded.auth
          : await authenticate(
              { method, rawPath, query: pairs, headers: req.headers, virtualHostBucket: route.virtualHostBucket },
              async (accessKeyId) => {
                resolved = await this.iam.findAccessKey(accessKeyId);
                return resolved && { accessKeyId, secretKey: resolved.secretKey, principalId: resolved.principal.userId };
              },
              { region: this.config.region, now: this.clock.now() },
            );
      let identity = forwarded ? forwarded.identity : (resolved as ResolvedAccessKey | null);
      if (auth && auth.principalId !== null && !identity) throw new S3Error('InvalidAccessKeyId');
      if (route.spec.notImplemented) {
        throw new S3Error('NotImplemented', { message: `${route.name} is not implemented by this server yet.` });
      }
      const now = this.clock.now();
      const secure = forwarded ? forwarded.secure : isSecure(req);
      // One condition context per request, built only if a policy is evaluated.
      let conditions: Record<string, string | string[] | undefined> | undefined;
      const context = () => (conditions ??= policyContext(req, query, auth, identity?.principal ?? null, now, secure));
      const authorize = async (action: string, bucket?: string, key?: string, versionId?: string) => {
        await this.authz.authorize({
          principal: identity?.principal ?? null,
          identityPolicies: identity?.policies ?? [],
          action,
          bucket,
          key,
          versionId,
          context,
        });
      };
      audited.principal = identity?.principal ?? null;
      const action = actionFor(route.spec.action, query);
      const versionId = query.get('versionId') ?? undefined;
      // A forwarded request was authorized by the node that received it, with the client's own
      // context; a browser form upload is authorized by its handler once it has read the form.
      if (!forwarded && !route.spec.formAuth) {
        try {
          await authorize(action, route.bucket, route.key, versionId);
        } catch (err) {
          throw await this.explainDenial(err, action, route, versionId, authorize);
        }
      }
      // x-amz-expected-bucket-owner: a bucket owned by someone else is refused as S3 does (403).
      const expectedOwner = header(req.headers, H.amzExpectedBucketOwner);
      if (
        expectedOwner !== undefined &&
        route.bucket !== undefined &&
        !(await this.buckets.hasExpectedOwner(route.bucket, expectedOwner))
      ) {
        throw new S3Error('AccessDenied');
      }
      // x-amz-source-expected-bucket-owner: the same for the source of CopyObject / UploadPartCopy.
      const expectedSourceOwner = header(req.headers, H.amzSourceExpectedBucketOwner);
      const copySource = header(req.headers, H.amzCopySource);
      if (expectedSourceOwner !== undefined && copySource !== undefined) {
        const source = parseCopySource(copySource);
        if (!(await this.buckets.hasExpectedOwner(source.bucket, expectedSourceOwner))) throw new S3Error('AccessDenied');
      }
      const principal = identity?.principal ?? ANONYMOUS;
      checkEncryptionHeaders(route.name, req.headers, secure, this.config.sseCustomerKeyOverHttp);
      assertKnownStorageClass(req.headers);
      const deletes = route.spec.method === 'DELETE' || route.name === 'DeleteObjects';
      // On a full disk a delete still needs a little room (the database log): the reserve gives it.
      if (deletes) await this.diskReserve.makeRoomForDelete();
      else if (hasBody(req) && !(await this.diskReserve.roomForWrite())) throw new S3Error('InsufficientStorage');
      // The client holds the body back until it hears this: only an authorized request gets it.
      if (expectsContinue) res.writeContinue();
      // Cluster mode: a bucket held by another node is streamed there (that node audits it).
      if (!forwarded && route.bucket && this.forwarding?.enabled) {
        // A form upload goes as it came: the owner node reads the form's credentials itself.
        const claims = auth ?? { principalId: null, accessKeyId: null, method: 'anonymous' as const, payload: { kind: 'none' as const } };
        if (await this.forwarding.forwardIfRemote(req, res, route.bucket, claims, identity, secure)) {
          audited = undefined;
          return;
        }
      }
      if (forwarded) audited.sourceIp = forwarded.sourceIp;

      const call: S3Call = {
        operation: route.name,
        bucket: route.bucket ?? '',
        key: route.key ?? '',
        query,
        headers: req.headers,
        principal,
        payload: this.payload(req, auth?.payload ?? { kind: 'none' }),
        requestId,
        hostId: this.hostId,
        resource,
        secure,
        authorize: (action, bucket, key, versionId) => authorize(action, bucket, key, versionId),
        identityAllows: (action) =>
          this.authz.identityAllows({
            principal: identity?.principal ?? null,
            identityPolicies: identity?.policies ?? [],
            action,
            context,
          }),
        req,
      };
      if (route.spec.formAuth) {
        call.signIn = async (accessKeyId) => {
          const found = await this.iam.findAccessKey(accessKeyId);
          if (!found) throw new S3Error('InvalidAccessKeyId');
          identity = found;
          audited!.principal = found.principal;
          return { secretKey: found.secretKey, principal: found.principal };
        };
      }
      const result = await this.dispatcher.dispatch(call);
      await writeResult(res, result, method);
      if (deletes) this.diskReserve.restoreSoon();
    } catch (err) {
      const s3err = this.toS3Error(err, req, requestId, operation);
      errorCode = s3err.code;
      // A body we did not read would be parsed as the next request: close the connection instead.
      if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
      try {
        writeError(res, s3err, method, requestId, this.hostId, resource);
      } catch (writeErr) {
        // Never end a request without an answer: fall back to a bare InternalError.
        this.logger.error({ msg: 'could not write the error response', requestId, error: String(writeErr) });
        try {
          writeError(res, new S3Error('InternalError'), method, requestId, this.hostId, '');
        } catch {
          res.destroy();
        }
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.recordS3(operation, res.statusCode, seconds);
      // The access log: one line per request at LOG_LEVEL=debug (the request id comes from the context).
      this.logger.debug({
        msg: `${operation} ${res.statusCode}`,
        operation,
        method,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      });
      // Every mutating S3 operation and every denied one goes on the audit trail (buffered, off the hot path).
      const denied = errorCode !== undefined && DENIAL_CODES.has(errorCode);
      if (audited && (audited.mutating || denied)) {
        this.audit.recordS3({
          operation,
          principal: audited.principal,
          bucket: audited.bucket,
          key: audited.key,
          status: denied ? 'denied' : errorCode !== undefined ? 'failure' : 'success',
          httpStatus: res.statusCode,
          errorCode,
          sourceIp: audited.sourceIp !== undefined ? audited.sourceIp : (req.socket?.remoteAddress ?? null),
          userAgent: req.headers['user-agent'] ?? null,
          requestId,
        });
      }
    }
  }

  /**
   * Counts an upload (a request with a body) against its client IP. false = over the cap (the
   * request is refused); otherwise the slot is given back when the response closes.
   */
  private admitUpload(req: IncomingMessage, res: ServerResponse): boolean | undefined {
    const cap = this.config.s3MaxUploadsPerClient;
    if (cap === 0 || !hasBody(req)) return undefined;
    const ip = req.socket?.remoteAddress ?? '';
    const inFlight = this.uploadsInFlight.get(ip) ?? 0;
    if (inFlight >= cap) return false;
    this.uploadsInFlight.set(ip, inFlight + 1);
    res.once('close', () => {
      const n = (this.uploadsInFlight.get(ip) ?? 1) - 1;
      if (n <= 0) this.uploadsInFlight.delete(ip);
      else this.uploadsInFlight.set(ip, n);
    });
    return true;
  }

  /**
   * A body that stops arriving for s3IdleBodyTimeoutMs: the request is answered RequestTimeout
   * (as S3 does) and the connection closed. Only while the body is being received: a long
   * server-side step afterwards is not the client's idleness.
   */
  private watchIdleBody(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const idleMs = this.config.s3IdleBodyTimeoutMs;
    if (idleMs === 0 || req.complete || !hasBody(req)) return;
    req.setTimeout(idleMs, () => {
      if (req.complete) return;
      const timedOut = new S3Error('RequestTimeout');
      if (res.headersSent) return void req.destroy(timedOut);
      res.setHeader('Connection', 'close');
      writeError(res, timedOut, req.method ?? 'GET', requestId, this.hostId, safeDecode(req.url ?? '/'));
      // Then fail the body the handler is still waiting for: it cleans up what it wrote so far.
      res.once('finish', () => req.destroy(timedOut));
    });
    req.once('end', () => req.setTimeout(0));
  }

  /**
   * What S3 answers instead of AccessDenied: NoSuchBucket when the bucket does not exist (to
   * anyone, anonymous callers included), and for a read of a missing key NoSuchKey when the caller
   * may list the bucket (s3:ListBucket, e.g. a public-read bucket), as AWS documents for GetObject.
   */
  private async explainDenial(
    err: unknown,
    action: string,
    route: { bucket?: string; key?: string },
    versionId: string | undefined,
    authorize: (action: string, bucket?: string) => Promise<void>,
  ): Promise<unknown> {
    const denied = (err instanceof DomainError || err instanceof S3Error) && err.code === 'AccessDenied';
    if (!denied || route.bucket === undefined || action === 's3:CreateBucket') return err;
    try {
      await this.buckets.get(route.bucket);
    } catch (missing) {
      return missing instanceof DomainError && missing.code === 'BucketNotFound' ? missing : err;
    }
    if (route.key === undefined || (action !== 's3:GetObject' && action !== 's3:GetObjectVersion')) return err;
    try {
      await authorize('s3:ListBucket', route.bucket);
      await this.objects.head(route.bucket, route.key, { versionId });
    } catch (absent) {
      // NoSuchKey (a delete marker included) or NoSuchVersion: the caller may know the key is not there.
      if (absent instanceof DomainError && ABSENT_OBJECT.has(absent.code)) return absent;
    }
    return err;
  }

  /** Adds the CORS headers of the first rule of the bucket allowing the request's Origin and method. */
  private async applyCors(res: ServerResponse, bucket: string, method: string, headers: IncomingHttpHeaders): Promise<void> {
    let rules;
    try {
      rules = await this.bucketConfigs.corsRules(bucket);
    } catch (err) {
      if (err instanceof DomainError) return; // no such bucket: no CORS headers (the operation says why)
      throw err;
    }
    const origin = header(headers, H.origin) ?? '';
    // As S3 does, an Access-Control-Request-Method header on an actual request decides the match.
    const rule = rules && matchCorsRule(rules, origin, header(headers, H.accessControlRequestMethod) ?? method);
    if (rule) for (const [name, value] of Object.entries(corsResponseHeaders(rule, origin))) res.setHeader(name, value);
  }

  /** The call of an operation marked `anonymous` (operations.ts): no principal, no authorization. */
  private anonymousCall(
    req: IncomingMessage,
    route: { name: S3Call['operation']; bucket?: string; key?: string },
    query: URLSearchParams,
    requestId: string,
    resource: string,
  ): S3Call {
    return {
      operation: route.name,
      bucket: route.bucket ?? '',
      key: route.key ?? '',
      query,
      headers: req.headers,
      principal: ANONYMOUS,
      payload: this.payload(req, { kind: 'none' }),
      requestId,
      hostId: this.hostId,
      resource,
      secure: isSecure(req),
      authorize: async () => {
        throw new S3Error('AccessDenied');
      },
      identityAllows: () => false,
      req,
    };
  }

  private hasCredentials(req: IncomingMessage, query: URLSearchParams): boolean {
    return req.headers.authorization !== undefined || AUTH_QUERY_KEYS.some((k) => query.has(k));
  }

  private async serveHealth(path: string, res: ServerResponse): Promise<void> {
    let status = 200;
    let body: string;
    let type = 'application/json';
    if (path === '/metrics') {
      body = await this.metrics.text();
      type = this.metrics.contentType();
    } else if (path === '/health') {
      body = JSON.stringify(this.health.live());
    } else {
      try {
        body = JSON.stringify(await this.health.ready());
      } catch (err) {
        status = 503;
        body = JSON.stringify((err as { response?: unknown }).response ?? { status: 'error' });
      }
    }
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }

  private payload(req: IncomingMessage, mode: PayloadMode): S3Payload {
    const declared = req.headers[H.contentLength] !== undefined ? Number(req.headers[H.contentLength]) : undefined;
    if (mode.kind === 'chunked') {
      const decoder = createAwsChunkedDecoder(mode);
      const body = pipeline(req, decoder, () => undefined);
      return { body, length: mode.decodedLength, awsChunked: true, trailers: () => decoder.trailers };
    }
    return { body: req, length: declared, sha256: mode.kind === 'sha256' ? mode.sha256 : undefined, trailers: NO_TRAILERS };
  }

  private toS3Error(err: unknown, req: IncomingMessage, requestId: string, operation: string): S3Error {
    if (err instanceof S3Error) return err;
    if (err instanceof DomainError) return domainToS3(err);
    const missing = this.forwarding?.blobMissing(err);
    if (missing) return missing;
    const code = (err as NodeJS.ErrnoException)?.code;
    // The client's body broke off: only while the body is still arriving (a GET's request is complete).
    if (!req.complete && (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted')) {
      return new S3Error('IncompleteBody');
    }
    if (isStorageFull(err)) {
      this.diskReserve.noteFull();
      this.logger.warn({ msg: `disk full in ${operation}: answered 507`, requestId, error: String(err) });
      return new S3Error('InsufficientStorage');
    }
    if (isDatabaseUnavailable(err)) {
      this.logger.warn({ msg: `database unavailable in ${operation}: answered 503`, requestId, error: String(err) });
      return new S3Error('ServiceUnavailable', {
        message: 'The service is temporarily unavailable (metadata database unreachable). Please retry.',
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      });
    }
    this.logger.error({ msg: `unhandled error in ${operation}`, requestId, error: String(err) }, (err as Error)?.stack);
    return new S3Error('InternalError');
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A request that sends a body (Content-Length above 0, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isSecure(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean } | null)?.encrypted === true || req.headers['x-forwarded-proto'] === 'https';
}
