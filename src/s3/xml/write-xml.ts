import { randomBytes } from 'node:crypto';
import { Builder } from 'xml2js';
import { S3_XMLNS } from '../http/headers';

const builder = new Builder({
  xmldec: { version: '1.0', encoding: 'UTF-8' },
  renderOpts: { pretty: false },
  headless: false,
});

/** A document root: its element name and content. xml2js conventions: `$` holds attributes. */
export interface XmlDocument {
  root: string;
  body: Record<string, unknown>;
  /** false for the <Error> document, which carries no namespace */
  namespace?: boolean;
}

/**
 * Sibling elements of different names that must keep their relative order (ListVersionsResult's
 * `Version` and `DeleteMarker`): put one under any key of a body; each `[name, content]` entry
 * becomes an element `<name>` at that place. (Plain object keys cannot interleave two names.)
 */
export class XmlSequence {
  constructor(readonly entries: Array<[string, unknown]>) {}
}

/** Characters XML 1.0 cannot carry, even escaped (control characters, U+FFFE/U+FFFF, lone surrogates). */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The only place that turns a response shape into XML text. Text holding characters XML 1.0
 * cannot carry (a key with ESC or U+0001 in it) is written with numeric character references
 * (`&#x1B;`), as S3 does; such a document is for clients that read it leniently, and
 * `encoding-type=url` is the portable way to list such keys.
 */
export function writeXml(doc: XmlDocument): string {
  try {
    return build(doc);
  } catch (err) {
    // xmlbuilder refuses those characters; the common case pays nothing for this path.
    if (!/Invalid character/.test(String((err as Error)?.message))) throw err;
    return buildWithCharacterReferences(doc);
  }
}

function build(doc: XmlDocument): string {
  if (Object.values(doc.body).some((v) => v instanceof XmlSequence)) return writeOrdered(doc);
  const body = doc.namespace === false ? doc.body : { $: { xmlns: S3_XMLNS }, ...doc.body };
  return builder.buildObject({ [doc.root]: body });
}

/**
 * A body with an XmlSequence, rendered as xml2js' ordered form: an array of one-element objects.
 * That form takes no attributes, so the namespace goes onto the root tag (the first element of
 * the text, right after the declaration).
 */
function writeOrdered(doc: XmlDocument): string {
  const children: Array<Record<string, unknown>> = [];
  const add = (name: string, value: unknown) => {
    children.push({ [name]: value === null || value === undefined ? '' : typeof value === 'object' ? value : String(value) });
  };
  for (const [name, value] of Object.entries(doc.body)) {
    if (value instanceof XmlSequence) for (const [entryName, entry] of value.entries) add(entryName, entry);
    else if (Array.isArray(value)) for (const item of value) add(name, item);
    else add(name, value);
  }
  const text = builder.buildObject({ [doc.root]: children });
  if (doc.namespace === false) return text;
  const at = text.indexOf(`<${doc.root}`) + doc.root.length + 1;
  return `${text.slice(0, at)} xmlns="${S3_XMLNS}"${text.slice(at)}`;
}

/**
 * Replaces each character XML cannot carry by a marker holding a random nonce (so no client
 * text can forge one), builds the document, then turns the markers into `&#xN;`.
 */
function buildWithCharacterReferences(doc: XmlDocument): string {
  const nonce = randomBytes(12).toString('hex');
  const mark = (s: string) => s.replace(XML_INVALID, (c) => `${nonce}${c.charCodeAt(0).toString(16).toUpperCase()}.`);
  const text = build({ ...doc, body: mapStrings(doc.body, mark) as Record<string, unknown> });
  return text.replace(new RegExp(`${nonce}([0-9A-F]+)\\.`, 'g'), (_m, hex: string) => `&#x${hex};`);
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (value instanceof XmlSequence) return new XmlSequence(value.entries.map(([name, v]) => [name, mapStrings(v, f)]));
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}
