import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleSpdyPortForward, SPDY_PROTOCOL } from './spdy';
import type { TargetResolver } from './target';
import { CHANNEL_PROTOCOL, handleWebSocketPortForward, parsePorts } from './websocket';

export type { TargetResolver } from './target';

/**
 * Serves `pods/<name>/portforward` once the API server has authenticated, authorized
 * (`create pods/portforward`) and found the Running pod. Speaks both dialects a client may
 * use (KUBE-SIM §5): WebSocket `v4.channel.k8s.io` (client-node) and SPDY/3.1 (kubectl).
 *
 * `target(port)` says which local address stands for the pod's port; undefined means
 * nothing listens there, reported to the client as "connection refused".
 */
export function handlePortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: TargetResolver,
): void {
  socket.on('error', () => socket.destroy());
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();

  if (upgrade === 'spdy/3.1') {
    const versions = String(req.headers['x-stream-protocol-version'] ?? '')
      .split(',')
      .map((v) => v.trim());
    if (!versions.includes(SPDY_PROTOCOL)) {
      refuse(socket, 400, `unsupported stream protocols ${versions.join(',')}; expected ${SPDY_PROTOCOL}`);
      return;
    }
    handleSpdyPortForward(req, socket, head, target);
    return;
  }

  if (upgrade === 'websocket') {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    // kubectl ≥ 1.30 first tries SPDY tunnelled in WebSocket; refusing makes it fall back to plain SPDY.
    if (!offered.includes(CHANNEL_PROTOCOL)) {
      refuse(socket, 400, `unsupported subprotocols ${offered.join(',')}; expected ${CHANNEL_PROTOCOL}`);
      return;
    }
    const ports = parsePorts(req);
    if (ports === undefined) {
      refuse(socket, 400, 'query parameter "ports" must list one or more port numbers');
      return;
    }
    handleWebSocketPortForward(req, socket, head, ports, target);
    return;
  }

  refuse(socket, 400, 'port-forward needs an upgrade to SPDY/3.1 or WebSocket');
}

/** Answers an upgrade with a Kubernetes Status and closes the connection. */
function refuse(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'BadRequest',
    code,
  });
  socket.end(
    `HTTP/1.1 ${code} Bad Request\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
