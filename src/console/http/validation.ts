import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ConsoleValidationError } from './console-errors';

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

/** The console's pipe: unknown fields refused, types converted, 400 naming each bad field. */
export function consoleValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ConsoleValidationError(validationFields(errors)),
  });
}
