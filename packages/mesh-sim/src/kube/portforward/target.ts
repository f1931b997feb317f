import net from 'node:net';
import type { IncomingMessage } from 'node:http';

/** Where a pod's container port really lives (a local server standing in for the pod). */
export type TargetResolver = (port: number) => { host: string; port: number } | undefined;

/** The pod a port-forward request is for, read from its URL (for error messages only). */
export function podFromRequest(req: IncomingMessage): { namespace: string; name: string } {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const match = /\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward/.exec(path);
  return { namespace: match?.[1] ?? '', name: decodeURIComponent(match?.[2] ?? '') };
}

/** The kubelet's wording, so kubectl and client-node users see what they would on a real cluster. */
export function forwardError(pod: string, port: number, reason: string): string {
  return `error forwarding port ${port} to pod ${pod}, uid : ${reason}`;
}

/**
 * Opens the TCP connection behind a forwarded port. An unmapped port behaves like a port
 * nothing listens on: the callback gets "connection refused".
 */
export function connectTarget(
  target: TargetResolver,
  port: number,
  onError: (reason: string) => void,
): net.Socket | undefined {
  const address = target(port);
  if (address === undefined) {
    onError(`failed to connect to localhost:${port} inside the pod: connect: connection refused`);
    return undefined;
  }
  const socket = net.connect({ host: address.host, port: address.port });
  let reported = false;
  // `on`, not `once`: a late write to a failed socket errors again and must not go unhandled.
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (reported) return;
    reported = true;
    onError(err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message);
  });
  return socket;
}
