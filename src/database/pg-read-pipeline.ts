import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from './database-unavailable';

/** A pg query with a statement name (a prepared statement per connection). */
export interface PgNamedQuery {
  name: string;
  text: string;
  values: unknown[];
}

export interface PgQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/** A column of a RowDescription, as pg parses it. */
interface PgField {
  name: string;
  dataTypeID: number;
  format: string;
}

/** What pg's Query and Result (pg/lib/query.js, result.js) hold, as far as ReadQuery uses it. */
interface PgQueryInternals {
  text?: string;
  values?: unknown[];
  name?: string;
  callback?: (err: Error | null, result?: PgQueryResult) => void;
  _accumulateRows: boolean;
  _result: {
    fields: PgField[];
    _parsers?: unknown[];
    _prebuiltEmptyResultObject: unknown;
    addFields(fields: PgField[]): void;
  };
}

/** The row description of a statement and what pg's Result derived from it, kept per statement. */
interface RowShape {
  fields: PgField[];
  parsers: unknown[] | undefined;
  empty: unknown;
}

/** pg's Query class (`Client.Query`). */
type PgQueryClass = new (config: object) => object;

/** The part of pg's Client used here. */
interface PgClient {
  connect(): Promise<unknown>;
  query(q: object): unknown;
  /** pg's Connection: its socket is corked while a tick's statements are written. */
  connection?: { stream?: { cork?(): void; uncork?(): void } };
  end(): Promise<void>;
  on(event: 'error' | 'end', listener: (err?: Error) => void): unknown;
}

/** The part of pg's Pool (TypeORM's `driver.master`) used here: its Client class and connection options. */
export interface PgPoolLike {
  Client: (new (options: Record<string, unknown>) => PgClient) & { Query: PgQueryClass };
  options: Record<string, unknown>;
}

interface Slot {
  index: number;
  client: Promise<PgClient>;
  inFlight: number;
  /** The socket is corked until the end of this turn of the event loop. */
  corked: boolean;
}

/**
 * Autocommit reads of the request hot path (HEAD, GET: one point lookup each) on PostgreSQL, sent
 * over a few dedicated connections in pg's pipeline mode instead of one pooled connection per
 * query. Each query is still its own Bind/Execute/Sync (an error fails that query only), but
 * queries do not wait for each other's round trip: at high concurrency the statements of one turn
 * of the event loop travel in one write and their answers come back in one read, which saves a socket write, a read and a pool checkout/release per
 * request on the server, and sleeps and wake-ups of the PostgreSQL backends.
 *
 * Only statements without effects belong here: one that fails because its connection broke is
 * sent again on a new one. Reads here see every transaction committed before they start, like any
 * autocommit statement on a pooled connection (a write is acknowledged to its client only after
 * its COMMIT). A connection that fails is dropped and opened again on the next query.
 */
export class PgReadPipeline {
  private readonly logger = new Logger(PgReadPipeline.name);
  private readonly slots: Array<Slot | undefined>;
  private closed = false;
  private readonly ReadQuery: new (q: PgNamedQuery, done: (err: Error | null, result?: PgQueryResult) => void) => object;

  constructor(
    private readonly pool: PgPoolLike,
    size: number,
  ) {
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
    this.ReadQuery = readQueryClass(pool.Client.Query);
  }

  /**
   * Runs a read-only statement. A connection that broke under it (a backend terminated while
   * idle, a restart) is replaced and the statement sent once more: reads have no effects.
   */
  async query(q: PgNamedQuery): Promise<PgQueryResult> {
    try {
      return await this.send(q);
    } catch (err) {
      if (this.closed || !isDatabaseUnavailable(err)) throw err;
      return this.send(q);
    }
  }

  private async send(q: PgNamedQuery): Promise<PgQueryResult> {
    const slot = this.pick();
    slot.inFlight++;
    try {
      const client = await slot.client;
      this.corkUntilNextTurn(slot, client);
      return await new Promise<PgQueryResult>((resolve, reject) => {
        client.query(new this.ReadQuery(q, (err, result) => (err ? reject(err) : resolve(result!))));
      });
    } catch (err) {
      // The connection is no good: the next statement (the retry first) opens another.
      if (isDatabaseUnavailable(err)) this.discard(slot);
      throw err;
    } finally {
      slot.inFlight--;
    }
  }

  /** Ends every connection (queries already sent complete first). */
  async close(): Promise<void> {
    this.closed = true;
    const open = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    await Promise.allSettled(open.map(async (s) => (await s.client).end()));
  }

  /** The open connection with the fewest queries in flight, or a new one in an empty slot. */
  private pick(): Slot {
    if (this.closed) throw new Error('Client was closed and is not queryable');
    let best: Slot | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (!slot) return this.open(i);
      if (!best || slot.inFlight < best.inFlight) best = slot;
    }
    return best!;
  }

  /**
   * The statements written to a connection during one turn of the event loop (the requests whose
   * bytes arrived in the same poll) leave in one write: the socket is corked at the first and
   * uncorked by setImmediate, which runs right after the poll phase.
   */
  private corkUntilNextTurn(slot: Slot, client: PgClient): void {
    const stream = client.connection?.stream;
    if (slot.corked || !stream?.cork || !stream.uncork) return;
    stream.cork();
    slot.corked = true;
    setImmediate(() => {
      slot.corked = false;
      stream.uncork!();
    });
  }

  /** Takes a failed connection out of its slot and ends it. */
  private discard(slot: Slot): void {
    if (this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    slot.client.then((c) => c.end()).catch(() => undefined);
  }

  private open(i: number): Slot {
    // The pool's own options, copied with their descriptors (pg-pool keeps the password non-enumerable).
    const options = Object.defineProperties({}, Object.getOwnPropertyDescriptors(this.pool.options)) as Record<string, unknown>;
    options.pipeline = true;
    const client = new this.pool.Client(options);
    const slot: Slot = { index: i, client: Promise.resolve(client), inFlight: 0, corked: false };
    // A broken connection is dropped: its queries fail (database unavailable), the next one reconnects.
    client.on('error', (err) => {
      this.discard(slot);
      this.logger.warn(`read pipeline connection failed: ${String(err)}`);
    });
    client.on('end', () => this.discard(slot));
    slot.client = client.connect().then(
      () => client,
      (err: unknown) => {
        this.discard(slot);
        throw err;
      },
    );
    // A failed connect is reported to the queries waiting for it; no unhandled rejection here.
    slot.client.catch(() => undefined);
    this.slots[i] = slot;
    return slot;
  }
}

/**
 * pg's Query for one named statement, minus two costs pg pays per execution: copying the query
 * config (its constructor clones it through property descriptors) and deriving the row parsers
 * from the RowDescription (pg's Result builds them, and a prototype row, for every result). The
 * parsers of a statement are derived once and reused while its RowDescription stays the same
 * (same column names and types). It is still a pg Query (pipeline mode accepts only those), so
 * pg drives it exactly like its own.
 */
function readQueryClass(Query: PgQueryClass) {
  const shapes = new Map<string, RowShape>();
  return class ReadQuery extends Query {
    constructor(q: PgNamedQuery, done: (err: Error | null, result?: PgQueryResult) => void) {
      super({});
      const self = this as unknown as PgQueryInternals;
      self.text = q.text;
      self.values = q.values;
      self.name = q.name;
      self.callback = done;
    }

    handleRowDescription(msg: { fields: PgField[] }): void {
      const self = this as unknown as PgQueryInternals;
      const result = self._result;
      const known = shapes.get(self.name!);
      if (known && sameFields(known.fields, msg.fields)) {
        result.fields = msg.fields;
        result._parsers = known.parsers;
        result._prebuiltEmptyResultObject = known.empty;
      } else {
        result.addFields(msg.fields);
        shapes.set(self.name!, { fields: msg.fields, parsers: result._parsers, empty: result._prebuiltEmptyResultObject });
      }
      self._accumulateRows = true;
    }
  };
}

function sameFields(a: PgField[], b: PgField[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || a[i].dataTypeID !== b[i].dataTypeID || a[i].format !== b[i].format) return false;
  }
  return true;
}
