import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface DelayProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Milliseconds every chunk waits, each way; change it at any time. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for `delayMs` before passing it on, in both
 * directions: a slow Prometheus, as a network or an overloaded server makes one.
 */
export async function startDelayProxy(target: { host: string; port: number }): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const proxy: DelayProxy = { url: '', delayMs: 0, close };
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (proxy.delayMs <= 0) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, proxy.delayMs);
      timers.add(timer);
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function close(): Promise<void> {
    for (const t of timers) clearTimeout(t);
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return proxy;
}
