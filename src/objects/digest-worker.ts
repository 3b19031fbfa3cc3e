import { parentPort } from 'node:worker_threads';
import { DigestState, SLOT_BYTES, type DigestWorkerMessage, type DigestWorkerReply } from './checksums';

/**
 * A digest worker thread, started by DigestStream (checksums.ts) for bodies over 1 MiB: it
 * hashes a body's bytes off the request thread, slot by slot of the body's ring (shared memory),
 * and hands every slot back. Per body: start, data…, end → result (or error); abort drops it.
 */
const port = parentPort;
if (!port) throw new Error('digest-worker.js runs as a worker thread');
const bodies = new Map<number, { state: DigestState; ring: SharedArrayBuffer }>();
const reply = (m: DigestWorkerReply) => port.postMessage(m);

port.on('message', (m: DigestWorkerMessage) => {
  try {
    switch (m.t) {
      case 'start':
        bodies.set(m.id, { state: new DigestState(m.algorithms, m.wantPayloadSha256), ring: m.ring });
        break;
      case 'data': {
        const body = bodies.get(m.id);
        body?.state.update(Buffer.from(body.ring, m.slot * SLOT_BYTES, m.len));
        reply({ t: 'ack', id: m.id, slot: m.slot });
        break;
      }
      case 'end': {
        const body = bodies.get(m.id);
        bodies.delete(m.id);
        if (!body) break;
        body.state
          .result()
          .then((d) => reply({ t: 'result', id: m.id, md5Hex: d.md5.toString('hex'), checksums: d.checksums, sha256Hex: d.sha256Hex }))
          .catch((err: unknown) => reply({ t: 'error', id: m.id, message: String(err) }));
        break;
      }
      case 'abort':
        bodies.delete(m.id);
        break;
    }
  } catch (err) {
    bodies.delete(m.id);
    reply({ t: 'error', id: m.id, message: String(err) });
  }
});
