import { S3_ERRORS, S3ErrorCode } from './s3-error-catalog';

export interface S3ErrorOptions {
  /** Overrides the catalog's default message. */
  message?: string;
  /** The `<Resource>` element; defaults to the request path. */
  resource?: string;
  /** Extra elements of the `<Error>` document (e.g. ArgumentName, ArgumentValue). */
  fields?: Record<string, string | number>;
  /** Extra response headers (Allow, Content-Range, Retry-After ...). */
  headers?: Record<string, string>;
  /** Overrides the catalog's status, for the few codes S3 answers with two (AuthorizationQueryParametersError). */
  status?: number;
}

/** A protocol error with an S3 code. Status and default message come from the catalog. */
export class S3Error extends Error {
  readonly status: number;
  readonly fields: Record<string, string | number>;
  readonly headers: Record<string, string>;
  readonly resource?: string;

  constructor(
    readonly code: S3ErrorCode,
    options: S3ErrorOptions = {},
  ) {
    super(options.message ?? S3_ERRORS[code].message);
    this.name = 'S3Error';
    this.status = options.status ?? S3_ERRORS[code].status;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    this.resource = options.resource;
  }
}
