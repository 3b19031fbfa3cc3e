// Child processes of the benchmark: the built server (node dist/main.js) and the Node floor,
// each with its own temp directory, plus /proc readers for their memory and CPU time.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const CLK_TCK = 100; // Linux USER_HZ

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process, in bytes. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/<pid>/clear_refs`). */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Samples VmRSS every `everyMs` until stopped; returns { peakRss, hwm, samples }. */
export function sampleMemory(pid, everyMs = 50) {
  const hwmReset = resetPeak(pid);
  let peakRss = memoryOf(pid).rss;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, memoryOf(pid).rss);
      samples++;
    } catch {
      /* process gone */
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      let hwm = null;
      try {
        const m = memoryOf(pid);
        peakRss = Math.max(peakRss, m.rss);
        if (hwmReset) hwm = m.hwm;
      } catch {
        /* gone */
      }
      return { peakRss, hwm, samples };
    },
  };
}

function collectOutput(child, tail) {
  const push = (d) => {
    tail.push(d.toString());
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on('data', push);
  child.stderr?.on('data', push);
}

async function waitHealthy(url, child, tail, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${tail.join('')}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${tail.join('')}`);
}

function stopper(child, tail, name) {
  return (timeoutMs = 30_000) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => {
        process.stderr.write(`${name} did not stop in ${timeoutMs} ms: killing it\n`);
        child.kill('SIGKILL');
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
}

/**
 * Starts `node dist/main.js` with its own DATA_DIR, free ports and fixed root keys.
 * `profileDir`: start it with --cpu-prof (the profile is written when it exits).
 */
export async function startServer({ root, dist = join(root, 'dist'), dataDir, fsync, databaseUrl, masterKey, accessKey, secretKey, profileDir, extraEnv = {}, nodeArgs: extraNodeArgs = [] }) {
  mkdirSync(dataDir, { recursive: true });
  const s3Port = await freePort();
  const consolePort = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    S3_PORT: String(s3Port),
    CONSOLE_PORT: String(consolePort),
    DATA_DIR: dataDir,
    ROOT_ACCESS_KEY: accessKey,
    ROOT_SECRET_KEY: secretKey,
    FSYNC: String(fsync),
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, MASTER_KEY: masterKey } : {}),
    ...extraEnv,
  };
  const nodeArgs = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...extraNodeArgs];
  const child = spawn(process.execPath, [...nodeArgs, join(dist, 'main.js')], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  collectOutput(child, tail);
  const endpoint = `http://127.0.0.1:${s3Port}`;
  try {
    await waitHealthy(`${endpoint}/health`, child, tail);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { pid: child.pid, endpoint, child, output: () => tail.join(''), stop: stopper(child, tail, 'server') };
}

/** Starts the floor server (bench/floor-server.mjs) in its own directory. */
export async function startFloor({ root, dir, fsync }) {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, [join(root, 'bench', 'floor-server.mjs'), '--dir', dir, '--fsync', String(fsync)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        child.stdout.off('data', onData);
        try {
          resolve(JSON.parse(buf.slice(0, nl)).port);
        } catch (err) {
          reject(err);
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  collectOutput(child, tail);
  return { pid: child.pid, endpoint: `http://127.0.0.1:${port}`, child, output: () => tail.join(''), stop: stopper(child, tail, 'floor') };
}
