import { Session } from 'node:inspector/promises';
import { Readable } from 'node:stream';
import { getHeapSnapshot } from 'node:v8';
import { Injectable, Logger } from '@nestjs/common';

export const MAX_CPU_PROFILE_SECONDS = 30;
/** Microseconds between CPU samples (V8's default is 1000). */
const SAMPLING_INTERVAL_US = 500;

/** Thrown when a profile is asked for while another one runs. */
export class ProfilerBusyError extends Error {
  constructor(readonly running: 'cpu' | 'heap') {
    super(`a ${running} profile is already being taken; try again when it is done`);
    this.name = 'ProfilerBusyError';
  }
}

/**
 * Profiles of this process for the console (global admins): a CPU profile through the inspector
 * (node:inspector Session, Profiler domain; the result is a .cpuprofile that Chrome DevTools and
 * speedscope open) and a V8 heap snapshot as a stream (.heapsnapshot). One at a time: profiling
 * costs CPU, and a heap snapshot pauses the process while V8 takes it.
 */
@Injectable()
export class ProfilingService {
  private readonly logger = new Logger(ProfilingService.name);
  private running: 'cpu' | 'heap' | null = null;

  get busy(): 'cpu' | 'heap' | null {
    return this.running;
  }

  /** Samples the CPU for `seconds` (or until `signal` aborts) and returns the profile. */
  async cpuProfile(seconds: number, signal?: AbortSignal): Promise<object> {
    this.acquire('cpu');
    const session = new Session();
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.post('Profiler.start');
      await sleep(Math.min(seconds, MAX_CPU_PROFILE_SECONDS) * 1000, signal);
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return profile;
    } finally {
      session.disconnect();
      this.running = null;
    }
  }

  /** A heap snapshot as a stream of JSON; the slot is released when the stream ends, fails or is destroyed. */
  heapSnapshot(): Readable {
    this.acquire('heap');
    let stream: Readable;
    try {
      stream = getHeapSnapshot();
    } catch (err) {
      this.running = null;
      throw err;
    }
    stream.once('close', () => (this.running = null));
    stream.once('error', (err) => this.logger.warn(`heap snapshot stream failed: ${err}`));
    return stream;
  }

  private acquire(kind: 'cpu' | 'heap'): void {
    if (this.running) throw new ProfilerBusyError(this.running);
    this.running = kind;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
