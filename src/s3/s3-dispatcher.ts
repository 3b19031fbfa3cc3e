import { Inject, Injectable } from '@nestjs/common';
import { S3Error } from './errors/s3-error';
import { declaredHandlers, S3Call, S3Handler, S3_HANDLERS } from './handlers/handles-s3.decorator';
import { S3Result } from './http/s3-result';
import { OPERATIONS, OperationName, OperationSpec } from './routing/operations';

/**
 * Maps each operation name to its one handler. Construction fails (and so does boot) when an
 * operation of the table has no handler and is not marked notImplemented, or has two.
 */
@Injectable()
export class S3Dispatcher {
  private readonly handlers = new Map<OperationName, S3Handler>();

  constructor(@Inject(S3_HANDLERS) groups: object[]) {
    for (const group of groups) {
      for (const { operation, handler } of declaredHandlers(group)) {
        if (this.handlers.has(operation)) throw new Error(`two handlers claim the S3 operation ${operation}`);
        this.handlers.set(operation, handler);
      }
    }
    const missing = (Object.entries(OPERATIONS) as Array<[OperationName, OperationSpec]>)
      .filter(([name, spec]) => !spec.notImplemented && !this.handlers.has(name))
      .map(([name]) => name);
    if (missing.length > 0) throw new Error(`S3 operations without a handler: ${missing.join(', ')}`);
  }

  dispatch(call: S3Call): Promise<S3Result> {
    const handler = this.handlers.get(call.operation);
    if (!handler) {
      throw new S3Error('NotImplemented', { message: `${call.operation} is not implemented by this server yet.` });
    }
    return handler(call);
  }
}
