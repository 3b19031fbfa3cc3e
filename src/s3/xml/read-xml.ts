import { parseStringPromise } from 'xml2js';
import { S3Error } from '../errors/s3-error';

/**
 * Parses an S3 request document. Returns the root element's content with xml2js' explicit
 * arrays (every child is an array) so validators see repeated elements consistently.
 * Any parser error, wrong root or empty body is MalformedXML, never a raw parser error.
 */
export async function readXml(text: string, expectedRoot: string): Promise<Record<string, unknown[]>> {
  if (text.trim() === '') throw new S3Error('MalformedXML');
  let parsed: Record<string, unknown>;
  try {
    parsed = await parseStringPromise(text, { explicitArray: true, explicitRoot: true, tagNameProcessors: [stripPrefix], strict: true });
  } catch {
    throw new S3Error('MalformedXML');
  }
  const root = parsed?.[expectedRoot];
  if (root === undefined) throw new S3Error('MalformedXML');
  if (typeof root === 'string') return {};
  return root as Record<string, unknown[]>;
}

const stripPrefix = (name: string) => name.replace(/^.*:/, '');

/** The text of a single child element, or undefined. */
export function childText(node: Record<string, unknown[]> | undefined, name: string): string | undefined {
  const v = node?.[name]?.[0];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '_' in (v as object)) return String((v as { _: unknown })._);
  return '';
}
