import { getMetadataStorage } from 'class-validator';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { ConsoleValidationError } from './console-errors';

// class-transformer keeps the `@Type(() => Nested)` metadata in this singleton; its package exports
// no path to it, so it is read from the CommonJS build the package itself loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage })
  .defaultMetadataStorage;

type Json = Record<string, unknown>;
type Ctor = abstract new (...args: never[]) => unknown;

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** `displayName` → `display_name`, `display_name` → `displayName`; undefined for any other shape. */
export function otherCase(name: string): string | undefined {
  if (CAMEL.test(name)) return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (SNAKE.test(name)) return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return undefined;
}

const known = new WeakMap<Ctor, Set<string>>();

/** The properties a DTO class validates (inherited ones included): what the whitelist lets through. */
function propertiesOf(dto: Ctor): Set<string> {
  let names = known.get(dto);
  if (!names) {
    names = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    );
    known.set(dto, names);
  }
  return names;
}

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * The two API references name the same field in two ways: snake_case (`display_name`, as MaxIOFS's
 * API reference and Strix write them) and camelCase (`displayName`, MaxIOFS's console). Before
 * validation, a body or query field the DTO does not declare, whose other-case name it does, is
 * renamed to that name (in nested DTOs too). Given both ways with different values, the request is
 * refused (400) naming both; with equal values, one is kept. Anything else is left for the
 * validator (an unknown field still answers "property … should not exist").
 */
export function normalizeFieldNames(value: unknown, dto: Ctor, path = ''): unknown {
  if (Array.isArray(value)) return value.map((v, i) => normalizeFieldNames(v, dto, `${path}[${i}]`));
  if (!isPlainObject(value)) return value;
  const props = propertiesOf(dto);
  if (props.size === 0) return value;
  const out: Json = {};
  for (const [name, v] of Object.entries(value)) {
    const alias = props.has(name) ? undefined : otherCase(name);
    const target = alias !== undefined && props.has(alias) ? alias : name;
    if (target !== name && Object.prototype.hasOwnProperty.call(value, target)) {
      if (JSON.stringify(value[target]) === JSON.stringify(v)) continue;
      const field = path ? `${path}.${name}` : name;
      throw new ConsoleValidationError({ [field]: [`${name} and ${target} are the same field with different values: send one of them`] });
    }
    out[target] = v;
  }
  for (const [name, v] of Object.entries(out)) {
    const nested = transformerStorage.findTypeMetadata(dto, name)?.typeFunction?.();
    if (typeof nested === 'function' && nested !== Number && nested !== String && nested !== Boolean && nested !== Date) {
      out[name] = normalizeFieldNames(v, nested as Ctor, path ? `${path}.${name}` : name);
    }
  }
  return out;
}
