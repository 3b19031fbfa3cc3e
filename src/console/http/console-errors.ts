import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../../auth/auth.errors';
import { DomainError, DomainErrorCode } from '../../common/domain-error';

/** Every domain error has a console status: the compiler refuses a new DomainErrorCode without one. */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, HttpStatus> = {
  BucketNotFound: HttpStatus.NOT_FOUND,
  BucketAlreadyExists: HttpStatus.CONFLICT,
  BucketAlreadyOwnedByYou: HttpStatus.CONFLICT,
  BucketNotEmpty: HttpStatus.CONFLICT,
  InvalidBucketName: HttpStatus.BAD_REQUEST,
  ObjectNotFound: HttpStatus.NOT_FOUND,
  InvalidObjectKey: HttpStatus.BAD_REQUEST,
  ObjectTooLarge: HttpStatus.PAYLOAD_TOO_LARGE,
  PreconditionFailed: HttpStatus.PRECONDITION_FAILED,
  NotModified: HttpStatus.NOT_MODIFIED,
  InvalidRange: HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
  BadDigest: HttpStatus.BAD_REQUEST,
  ChecksumMismatch: HttpStatus.BAD_REQUEST,
  ContentSha256Mismatch: HttpStatus.BAD_REQUEST,
  IncompleteBody: HttpStatus.BAD_REQUEST,
  InvalidArgument: HttpStatus.BAD_REQUEST,
  InvalidRequest: HttpStatus.BAD_REQUEST,
  InvalidPartNumber: HttpStatus.BAD_REQUEST,
  KeyTooLong: HttpStatus.BAD_REQUEST,
  UploadNotFound: HttpStatus.NOT_FOUND,
  InvalidPart: HttpStatus.BAD_REQUEST,
  InvalidPartOrder: HttpStatus.BAD_REQUEST,
  EntityTooSmall: HttpStatus.BAD_REQUEST,
  AccessKeyNotFound: HttpStatus.NOT_FOUND,
  TenantNotFound: HttpStatus.NOT_FOUND,
  TenantAlreadyExists: HttpStatus.CONFLICT,
  TenantNotEmpty: HttpStatus.CONFLICT,
  QuotaExceeded: HttpStatus.FORBIDDEN,
  UserNotFound: HttpStatus.NOT_FOUND,
  UserAlreadyExists: HttpStatus.CONFLICT,
  AccessKeyAlreadyExists: HttpStatus.CONFLICT,
  PolicyNotFound: HttpStatus.NOT_FOUND,
  MalformedPolicy: HttpStatus.BAD_REQUEST,
  BucketPolicyNotFound: HttpStatus.NOT_FOUND,
  MalformedAcl: HttpStatus.BAD_REQUEST,
  UnresolvableGrantByEmailAddress: HttpStatus.BAD_REQUEST,
  AmbiguousGrantByEmailAddress: HttpStatus.BAD_REQUEST,
  InvalidInput: HttpStatus.BAD_REQUEST,
  VersionNotFound: HttpStatus.NOT_FOUND,
  MethodNotAllowed: HttpStatus.METHOD_NOT_ALLOWED,
  InvalidBucketState: HttpStatus.CONFLICT,
  ObjectLockConfigurationNotFound: HttpStatus.NOT_FOUND,
  NoSuchObjectLockConfiguration: HttpStatus.NOT_FOUND,
  ProtectedByObjectLock: HttpStatus.FORBIDDEN,
  ObjectLocked: HttpStatus.FORBIDDEN,
  InvalidTag: HttpStatus.BAD_REQUEST,
  CorsConfigurationNotFound: HttpStatus.NOT_FOUND,
  TagSetNotFound: HttpStatus.NOT_FOUND,
  LifecycleConfigurationNotFound: HttpStatus.NOT_FOUND,
  EncryptionConfigurationNotFound: HttpStatus.NOT_FOUND,
  ReplicationRuleNotFound: HttpStatus.NOT_FOUND,
  OwnershipControlsNotFound: HttpStatus.NOT_FOUND,
  PublicAccessBlockNotFound: HttpStatus.NOT_FOUND,
  AclNotSupported: HttpStatus.BAD_REQUEST,
  InvalidBucketAclWithObjectOwnership: HttpStatus.BAD_REQUEST,
  TooManyTags: HttpStatus.BAD_REQUEST,
  MalformedConfiguration: HttpStatus.BAD_REQUEST,
  AccessDenied: HttpStatus.FORBIDDEN,
  IdentityProviderNotFound: HttpStatus.NOT_FOUND,
  IdentityProviderAlreadyExists: HttpStatus.CONFLICT,
  GroupMappingNotFound: HttpStatus.NOT_FOUND,
  GroupMappingAlreadyExists: HttpStatus.CONFLICT,
  IdentityProviderError: HttpStatus.BAD_GATEWAY,
  ClusterNodeNotFound: HttpStatus.NOT_FOUND,
  ClusterMigrationNotFound: HttpStatus.NOT_FOUND,
  ClusterConflict: HttpStatus.CONFLICT,
  ClusterNodeUnavailable: HttpStatus.SERVICE_UNAVAILABLE,
  BucketMigrating: HttpStatus.SERVICE_UNAVAILABLE,
};

export const AUTH_ERROR_STATUS: Record<AuthErrorCode, HttpStatus> = {
  Unauthenticated: HttpStatus.UNAUTHORIZED,
  TokenExpired: HttpStatus.UNAUTHORIZED,
  TokenRevoked: HttpStatus.UNAUTHORIZED,
  InvalidCredentials: HttpStatus.UNAUTHORIZED,
  TwoFactorRequired: HttpStatus.UNAUTHORIZED,
  InvalidTwoFactorCode: HttpStatus.UNAUTHORIZED,
  InvalidVerificationCode: HttpStatus.BAD_REQUEST,
  TwoFactorAlreadyEnabled: HttpStatus.CONFLICT,
  TwoFactorNotEnabled: HttpStatus.BAD_REQUEST,
  TwoFactorSetupRequired: HttpStatus.BAD_REQUEST,
  AccountLocked: HttpStatus.FORBIDDEN,
  AccountDisabled: HttpStatus.FORBIDDEN,
  TooManyRequests: HttpStatus.TOO_MANY_REQUESTS,
  SsoStateInvalid: HttpStatus.BAD_REQUEST,
  SsoLoginFailed: HttpStatus.UNAUTHORIZED,
  NoRoleMapping: HttpStatus.FORBIDDEN,
};

/** Codes of errors that come from HTTP itself rather than from a feature (unknown route, bad JSON, …). */
const HTTP_STATUS_CODE: Partial<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** A request body or query that failed validation: each field with what is wrong with it. */
export class ConsoleValidationError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super(Object.values(fields).flat().join('; '));
    this.name = 'ConsoleValidationError';
  }
}

/**
 * The console's error body. Both references' shapes in one: MaxIOFS `{ success: false, error }`
 * and Strix `{ error, message }`, plus a stable `code` and the request id.
 */
export interface ConsoleErrorBody {
  success: false;
  /** A short statement of what went wrong (for validation errors: the first problem, naming the field). */
  error: string;
  /** The detail. */
  message: string;
  code: string;
  request_id?: string;
  /** Facts a client may act on (e.g. `requires_2fa`). */
  data?: Record<string, unknown>;
  /** Validation errors by field. */
  fields?: Record<string, string[]>;
}

export interface ConsoleErrorResponse {
  status: number;
  body: ConsoleErrorBody;
  headers: Record<string, string>;
  /** False for unknown errors: the caller logs them with the stack. */
  known: boolean;
}

/** "UserNotFound" → "User not found". */
export function titleOf(code: string): string {
  const words = code.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  return [words[0], ...words.slice(1).map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()))].join(' ');
}

/** The one translation of anything thrown on the console path into a status and a JSON body. */
export function toConsoleError(exception: unknown, requestId?: string): ConsoleErrorResponse {
  const base = (status: number, code: string, error: string, message: string, known = true): ConsoleErrorResponse => ({
    status,
    body: { success: false, error, message, code, ...(requestId ? { request_id: requestId } : {}) },
    headers: {},
    known,
  });

  if (exception instanceof ConsoleValidationError) {
    const r = base(
      HttpStatus.BAD_REQUEST,
      'ValidationError',
      Object.values(exception.fields).flat()[0] ?? 'Invalid request',
      exception.message,
    );
    r.body.fields = exception.fields;
    return r;
  }
  if (exception instanceof AuthError) {
    const r = base(AUTH_ERROR_STATUS[exception.code], exception.code, exception.message, exception.message);
    if (exception.data) r.body.data = exception.data;
    if (exception.retryAfterSeconds !== undefined) r.headers['Retry-After'] = String(exception.retryAfterSeconds);
    return r;
  }
  if (exception instanceof DomainError) {
    const message = exception.message && exception.message !== exception.code ? exception.message : titleOf(exception.code);
    const r = base(DOMAIN_ERROR_STATUS[exception.code], exception.code, titleOf(exception.code), message);
    if (exception.details.retryAfter !== undefined) r.headers['Retry-After'] = String(exception.details.retryAfter);
    return r;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    const code = HTTP_STATUS_CODE[status] ?? (status >= 500 ? 'InternalError' : 'BadRequest');
    // 501/503 are deliberate answers whose message says what is missing; other 5xx hide theirs.
    const shown = status < 500 || status === 501 || status === 503;
    return base(status, code, shown ? message : 'Internal server error', message, shown);
  }
  // Body parser failures (Express middleware, before Nest): they carry a status and a type.
  const e = exception as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.type === 'string') {
    const message =
      e.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON'
        : e.type === 'entity.too.large'
          ? 'The request body is too large'
          : String(e.message);
    const code = e.type === 'entity.parse.failed' ? 'MalformedJSON' : (HTTP_STATUS_CODE[e.status] ?? 'BadRequest');
    return base(e.status, code, message, message);
  }
  return base(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'InternalError',
    'Internal server error',
    'The server failed to answer; the request id identifies it in the logs',
    false,
  );
}
