import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { ShareError, ShareErrorCode } from '../../shares/share.errors';
import { ConsoleErrorBody, titleOf } from './console-errors';
import type { ConsoleRequest } from './console-request';

/** 404 for a link that never existed; 410 Gone for one revoked, expired or used up. */
export const SHARE_ERROR_STATUS: Record<ShareErrorCode, HttpStatus> = {
  ShareNotFound: HttpStatus.NOT_FOUND,
  ShareRevoked: HttpStatus.GONE,
  ShareExpired: HttpStatus.GONE,
  ShareExhausted: HttpStatus.GONE,
};

/** Share errors in the console's JSON error shape (the global filter handles everything else). */
@Catch(ShareError)
export class ShareErrorFilter implements ExceptionFilter {
  catch(err: ShareError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<ConsoleRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    res.locals.errorCode = err.code;
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ConsoleErrorBody = {
      success: false,
      error: titleOf(err.code),
      message: err.message,
      code: err.code,
      ...(req.requestId ? { request_id: req.requestId } : {}),
    };
    res.status(SHARE_ERROR_STATUS[err.code]).json(body);
  }
}
