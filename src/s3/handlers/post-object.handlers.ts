import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, Readable, Transform, TransformCallback } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { assertAclWritable } from '../../buckets/bucket-controls';
import { BucketsService } from '../../buckets/buckets.service';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Clock } from '../../common/clock';
import { IamService } from '../../iam/iam.service';
import { ANONYMOUS, Principal } from '../../iam/principal';
import { ObjectAclService } from '../../objects/object-acl.service';
import { validateTags } from '../../objects/object-tags';
import { ObjectsService } from '../../objects/objects.service';
import { checkPostPolicy, formCredentials, parsePostPolicy, verifyPolicySignature } from '../auth/post-policy';
import { S3Error } from '../errors/s3-error';
import { checksumResponseHeaders, expectedChecksums, readChecksumRequest } from '../http/checksum-headers';
import { H } from '../http/headers';
import { HeaderValues, S3Result } from '../http/s3-result';
import { checkEncryptionHeaders, encryptionResponseHeaders, readEncryptionRequest } from '../http/server-side-encryption';
import { assertKnownStorageClass } from '../http/storage-class';
import { readTagging } from '../xml/bucket-config-shapes';
import { readXml } from '../xml/read-xml';
import { quoteEtag, urlEncodeKey } from '../xml/shapes';
import { grantsOnCreate } from './access.handlers';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { lockHeaders, versionHeaders } from './object-version-values';
import { header, metadataFromHeaders } from './request-values';

/** S3 caps the form fields (everything but the file) at 20 KB. */
const MAX_FIELDS_BYTES = 20 * 1024;
const SUCCESS_STATUSES = new Set(['200', '201', '204']);
/** Form fields passed on as the request headers of the same name (PutObject's). */
const HEADER_FIELDS = new Set([
  H.contentType,
  H.cacheControl,
  H.contentDisposition,
  H.contentEncoding,
  H.contentLanguage,
  H.expires,
  H.contentMd5,
  H.amzStorageClass,
  H.amzWebsiteRedirectLocation,
  H.amzObjectLockMode,
  H.amzObjectLockRetainUntilDate,
  H.amzObjectLockLegalHold,
]);
const HEADER_PREFIXES = [H.amzMetaPrefix, H.amzChecksumPrefix, 'x-amz-server-side-encryption', 'x-amz-grant-'];

interface FormUpload {
  /** Field names lower-cased (values as sent); only the fields before the file, as S3 reads them. */
  fields: Map<string, string>;
  file: Readable;
  filename: string;
  /** Resolves when the whole body has been read (after the file is consumed). */
  done: Promise<void>;
}

/**
 * PostObject: a browser form upload (`POST /bucket`, multipart/form-data). The fields before the
 * file are read, the policy and its signature (SigV4 or V2) checked, then the file part is piped
 * into the object store as it arrives, never buffered whole.
 */
@Injectable()
export class PostObjectHandlers {
  constructor(
    private readonly objects: ObjectsService,
    private readonly objectAcls: ObjectAclService,
    private readonly clock: Clock,
    private readonly buckets: BucketsService,
    private readonly iam: IamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @HandlesS3('PostObject')
  async postObject(call: S3Call): Promise<S3Result> {
    const contentType = header(call.headers, H.contentType) ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      throw new S3Error('PreconditionFailed', {
        message: 'Bucket POST must be of the enclosure-type multipart/form-data',
        fields: { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' },
      });
    }
    const form = await readForm(call);
    const { fields } = form;
    const rawKey = fields.get('key');
    if (rawKey === undefined || rawKey === '') {
      throw new S3Error('InvalidArgument', {
        message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
        fields: { ArgumentName: 'key', ArgumentValue: '' },
      });
    }
    const key = rawKey.split('${filename}').join(form.filename);
    fields.set('key', key);

    // Who signs: the policy's credentials; none = an anonymous upload (a bucket policy must allow it).
    let principal: Principal = ANONYMOUS;
    let range: { min: number; max: number } | undefined;
    const credentials = formCredentials(fields);
    if (credentials) {
      if (!call.signIn) throw new Error('PostObject dispatched without form sign-in');
      const { secretKey, principal: signedIn } = await call.signIn(credentials.accessKeyId);
      verifyPolicySignature(credentials, secretKey, this.config.region);
      principal = signedIn;
      range = checkPostPolicy(parsePostPolicy(credentials.policy), fields, call.bucket, this.clock.now());
    }
    await call.authorize('s3:PutObject', call.bucket, key);

    const headers = headersOf(fields);
    checkEncryptionHeaders('PutObject', headers, call.secure, this.config.sseCustomerKeyOverHttp);
    assertKnownStorageClass(headers);
    const checks = readChecksumRequest(headers);
    const tagging = fields.get('tagging');
    const tags =
      tagging === undefined ? undefined : validateTags(readTagging(await readXml(tagging, 'Tagging')).map((t) => [t.key, t.value]));
    const bucketRow = await this.buckets.entity(call.bucket);
    const grants = await grantsOnCreate({ ...call, headers }, this.iam, principal.userId, async () => bucketRow.ownerId);
    if (grants) assertAclWritable(bucketRow, grants);

    const guard = new LengthGuard(range?.min ?? 0, Math.min(range?.max ?? Number.MAX_SAFE_INTEGER, this.config.maxObjectSize));
    const stored = await this.objects.put({
      bucket: call.bucket,
      key,
      owner: principal,
      body: pipeline(form.file, guard, () => undefined),
      metadata: metadataFromHeaders(headers),
      contentMd5: checks.contentMd5,
      algorithms: checks.algorithms,
      expectedChecksums: () => expectedChecksums(checks, {}),
      tags,
      lock: lockHeaders(headers),
      encryption: readEncryptionRequest(headers),
      acl: grants,
    });
    if (grants) await this.objectAcls.set(call.bucket, key, grants, stored.versionId === 'null' ? undefined : stored.versionId);
    await form.done;

    const location = objectLocation(call, key);
    const out: HeaderValues = {
      ETag: quoteEtag(stored.etag),
      Location: location,
      ...checksumResponseHeaders(stored.checksums),
      ...versionHeaders(stored.versioned, stored.versionId),
      ...encryptionResponseHeaders(stored.encryption),
    };
    const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
    if (redirect && /^https?:\/\//i.test(redirect)) {
      const url = new URL(redirect);
      url.searchParams.set('bucket', call.bucket);
      url.searchParams.set('key', key);
      url.searchParams.set('etag', quoteEtag(stored.etag));
      return S3Result.empty(303, { ...out, Location: url.toString() });
    }
    const status = fields.get('success_action_status');
    if (status === '201') {
      return S3Result.xml(
        { root: 'PostResponse', body: { Location: location, Bucket: call.bucket, Key: key, ETag: quoteEtag(stored.etag) } },
        out,
        201,
      );
    }
    return S3Result.empty(status !== undefined && SUCCESS_STATUSES.has(status) ? Number(status) : 204, out);
  }
}

/** Reads the form up to the file part. Fields after the file are ignored, as S3 ignores them. */
function readForm(call: S3Call): Promise<FormUpload> {
  return new Promise<FormUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: call.req.headers, limits: { files: 1, fieldSize: MAX_FIELDS_BYTES, fields: 1000 } });
    } catch {
      reject(new S3Error('MalformedPOSTRequest'));
      return;
    }
    const fields = new Map<string, string>();
    let fieldBytes = 0;
    let gotFile = false;
    let settleDone!: (err?: Error) => void;
    const done = new Promise<void>((res, rej) => (settleDone = (err) => (err ? rej(err) : res())));
    done.catch(() => undefined);
    parser.on('field', (name, value) => {
      if (gotFile) return;
      fieldBytes += name.length + value.length;
      if (fieldBytes > MAX_FIELDS_BYTES) {
        reject(new S3Error('MaxPostPreDataLengthExceededError'));
        return;
      }
      fields.set(name.toLowerCase(), value);
    });
    parser.on('file', (name, stream, info) => {
      if (gotFile || name.toLowerCase() !== 'file') {
        stream.resume();
        return;
      }
      gotFile = true;
      const filename = (info.filename ?? '').split(/[\\/]/).pop() ?? '';
      resolve({ fields, file: stream, filename, done });
    });
    parser.on('close', () => {
      settleDone();
      if (!gotFile) reject(new S3Error('IncorrectNumberOfFilesInPostRequest'));
    });
    parser.on('error', () => {
      const err = new S3Error('MalformedPOSTRequest');
      settleDone(err);
      reject(err);
    });
    pipeline(call.payload.body, parser, () => undefined);
  });
}

/** The form fields that stand for request headers (Content-Type, x-amz-meta-*, checksums, SSE, ACL …). */
function headersOf(fields: ReadonlyMap<string, string>): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of fields) {
    if (HEADER_FIELDS.has(name as never) || HEADER_PREFIXES.some((p) => name.startsWith(p))) headers[name] = value;
  }
  const acl = fields.get('acl');
  if (acl !== undefined) headers['x-amz-acl'] = acl;
  return headers;
}

/** Enforces the policy's content-length-range (and the largest object) while the file streams. */
class LengthGuard extends Transform {
  private seen = 0;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(new S3Error('EntityTooLarge', { fields: { ProposedSize: this.seen, MaxSizeAllowed: this.max } }));
    else cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.seen < this.min) cb(new S3Error('EntityTooSmall', { fields: { ProposedSize: this.seen, MinSizeAllowed: this.min } }));
    else cb();
  }
}

function objectLocation(call: S3Call, key: string): string {
  const host = header(call.headers, H.host) ?? '';
  const scheme = call.secure ? 'https' : 'http';
  const path = urlEncodeKey(key);
  return host.startsWith(`${call.bucket}.`) ? `${scheme}://${host}/${path}` : `${scheme}://${host}/${call.bucket}/${path}`;
}
