/**
 * Why a share link does not serve its object. Shares are a console feature only, so these stay out
 * of the shared DomainErrorCode union (whose every code needs an S3 mapping); the console maps them.
 */
export type ShareErrorCode = 'ShareNotFound' | 'ShareRevoked' | 'ShareExpired' | 'ShareExhausted';

export class ShareError extends Error {
  constructor(
    readonly code: ShareErrorCode,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'ShareError';
  }
}
