import { StringDecoder } from 'node:string_decoder';
import { parser as saxParser, type SAXParser } from 'sax';
import { S3Error } from '../errors/s3-error';

/** Bounds of an S3 request document; the deepest S3 shape (lifecycle) nests 6 levels. */
export interface XmlLimits {
  /** Deepest element nesting allowed. */
  maxDepth: number;
  /** Most elements plus attributes allowed in one document. */
  maxNodes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 32, maxNodes: 100_000 };

/**
 * Watches an XML request body while it streams in (sax, the parser under xml2js) and refuses it
 * at the first element past the depth or node limit, or at the first syntax error, before the
 * rest is read: a 450k-deep document costs a few microseconds, not a tree of 450k objects.
 * Bodies that pass are parsed by readXml() as usual.
 */
export class XmlGuard {
  private readonly parser: SAXParser;
  private readonly decoder = new StringDecoder('utf8');
  private depth = 0;
  private nodes = 0;
  private refusal: S3Error | undefined;

  constructor(private readonly limits: XmlLimits = DEFAULT_XML_LIMITS) {
    this.parser = saxParser(true, { xmlns: false, position: false });
    this.parser.onopentag = (tag) => {
      this.depth++;
      this.nodes += 1 + Object.keys(tag.attributes).length;
      if (this.depth > this.limits.maxDepth) {
        this.refuse(`The XML you provided nests elements deeper than ${this.limits.maxDepth} levels.`);
      } else if (this.nodes > this.limits.maxNodes) {
        this.refuse(`The XML you provided has more than ${this.limits.maxNodes} elements and attributes.`);
      }
    };
    this.parser.onclosetag = () => {
      this.depth--;
    };
    this.parser.onerror = () => {
      this.refuse();
    };
  }

  /** Feeds a chunk; returns the refusal (MalformedXML) once the document broke a rule. */
  write(chunk: Buffer): S3Error | undefined {
    return this.feed(this.decoder.write(chunk));
  }

  /** The end of the body (completeness is readXml's to judge). */
  end(): S3Error | undefined {
    return this.feed(this.decoder.end());
  }

  private feed(text: string): S3Error | undefined {
    if (this.refusal || text === '') return this.refusal;
    try {
      this.parser.write(text);
    } catch (err) {
      if (!this.refusal) throw err;
    }
    return this.refusal;
  }

  /** Records the refusal and throws out of sax's loop, so that the rest of the chunk is never scanned. */
  private refuse(message?: string): never {
    this.refusal ??= new S3Error('MalformedXML', message ? { message } : {});
    throw this.refusal;
  }
}
