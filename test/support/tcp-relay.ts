import { connect, createServer, Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Closes the listener and every relayed connection (the target looks down). */
  close(): Promise<void>;
}

/**
 * A TCP relay from `port` (0 = any free one) to `targetPort` on 127.0.0.1: a target that goes down
 * (close) and comes back on the port it was expected on (start again with the same port).
 */
export async function startTcpRelay(port: number, targetPort: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
