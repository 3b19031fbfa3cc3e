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

/** The only place that turns a response shape into XML text. */
export function writeXml(doc: XmlDocument): string {
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
