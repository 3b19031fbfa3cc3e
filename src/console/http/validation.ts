import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ConsoleValidationError } from './console-errors';
import { normalizeFieldNames } from './field-names';

/** Flattens class-validator's tree into `field.path → messages` (messages already name the property). */
export function validationFields(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      out[path] = Object.values(e.constraints).map((m) => (parent ? m.replace(e.property, path) : m));
    }
    if (e.children?.length) Object.assign(out, validationFields(e.children, path));
  }
  return out;
}

/** ValidationPipe after one step: body and query fields renamed to the DTO's case (field-names.ts). */
class ConsoleValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype;
    if ((metadata.type === 'body' || metadata.type === 'query') && dto && this.toValidate(metadata)) {
      value = normalizeFieldNames(value, dto);
    }
    return super.transform(value, metadata);
  }
}

/** The console's pipe: both references' field names, unknown fields refused, types converted, 400 naming each bad field. */
export function consoleValidationPipe(): ValidationPipe {
  return new ConsoleValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ConsoleValidationError(validationFields(errors)),
  });
}
