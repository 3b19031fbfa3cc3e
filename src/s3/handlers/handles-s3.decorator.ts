import 'reflect-metadata';
import type { Readable } from 'node:stream';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Principal } from '../../iam/principal';
import type { S3Result } from '../http/s3-result';
import type { OperationName } from '../routing/operations';

export const S3_HANDLERS = Symbol('S3_HANDLERS');
const HANDLES_S3 = Symbol('HANDLES_S3');

/** What the body of a request looks like after authentication. */
export interface S3Payload {
  /** The decoded body: aws-chunked framing already removed and chunk signatures verified. */
  body: Readable;
  /** Hex SHA-256 the body must hash to (signed payloads). */
  sha256?: string;
  /** The body length when known (Content-Length, or x-amz-decoded-content-length). */
  length?: number;
  /** true when the body came aws-chunked (its length may then be unknown until its end). */
  awsChunked?: boolean;
  /** Trailing headers (lower case) of an aws-chunked body; complete once `body` has ended. */
  trailers(): Record<string, string>;
}

/** Everything a handler may know of a request. */
export interface S3Call {
  operation: OperationName;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  principal: Principal;
  payload: S3Payload;
  requestId: string;
  /** x-amz-id-2 of the response. */
  hostId: string;
  /** The `<Resource>` of an error: the request path. */
  resource: string;
  /** true when the request arrived over TLS (or a proxy said so). */
  secure: boolean;
  /**
   * Checks one more permission of this caller (throws AccessDenied): for the per-key checks of
   * DeleteObjects and the source side of CopyObject / UploadPartCopy.
   */
  authorize(action: string, bucket?: string, key?: string, versionId?: string): Promise<void>;
  /**
   * Whether the caller's identity policies (with its role's built-in one) allow `action` on no
   * particular resource, bucket policies and ACLs aside (ListBuckets: s3:ListAllMyBuckets).
   */
  identityAllows(action: string): boolean;
  /**
   * Operations whose credentials travel in the body (PostObject, `formAuth` in operations.ts): the
   * handler names the access key it found there; later `authorize` calls act for its user. The
   * handler verifies the signature with the returned secret. InvalidAccessKeyId for an unknown key.
   */
  signIn?(accessKeyId: string): Promise<{ secretKey: string; principal: Principal }>;
  req: IncomingMessage;
}

export type S3Handler = (call: S3Call) => Promise<S3Result>;

/** Marks a method as the handler of one S3 operation. */
export function HandlesS3(operation: OperationName): MethodDecorator {
  return (target, property) => {
    const list: Array<{ operation: OperationName; property: string | symbol }> = Reflect.getMetadata(HANDLES_S3, target.constructor) ?? [];
    Reflect.defineMetadata(HANDLES_S3, [...list, { operation, property }], target.constructor);
  };
}

/** The (operation, method) pairs a handler class declares. */
export function declaredHandlers(instance: object): Array<{ operation: OperationName; handler: S3Handler }> {
  const list: Array<{ operation: OperationName; property: string | symbol }> = Reflect.getMetadata(HANDLES_S3, instance.constructor) ?? [];
  return list.map(({ operation, property }) => {
    const fn = (instance as Record<string | symbol, S3Handler>)[property];
    return { operation, handler: fn.bind(instance) };
  });
}
