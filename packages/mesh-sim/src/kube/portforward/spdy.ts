import type { IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import transport, { type SpdyConnection, type SpdyStream, type SpdyWindowSide } from 'spdy-transport';
import { connectTarget, forwardError, podFromRequest, type TargetResolver } from './target';

/**
 * kubectl's port-forward (KUBE-SIM §5.2): a POST upgraded to SPDY/3.1. For each local
 * connection kubectl opens two streams sharing a `requestid` header: `streamtype: error`
 * (it half-closes at once and reads our error text until EOF) and `streamtype: data`
 * (piped to the pod's port, named in the `port` header).
 */
export const SPDY_PROTOCOL = 'portforward.k8s.io';

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  /** Error text to send once the error stream arrives (kubectl usually opens it first). */
  pendingError?: string;
  finished: boolean;
}

export function handleSpdyPortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: TargetResolver,
): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      'Upgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${SPDY_PROTOCOL}\r\n\r\n`,
  );
  if (head.length > 0) socket.unshift(head);

  const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: true });
  acceptStreamsWithoutHttpHeaders(connection);
  ignorePeerWindow(connection._spdyState.window.send);
  connection.start(3.1);

  const pod = podFromRequest(req).name;
  const pairs = new Map<string, StreamPair>();
  const targets = new Set<net.Socket>();

  connection.on('stream', (stream) => {
    // Streams error when kubectl goes away mid-transfer; the socket close below cleans up.
    stream.on('error', () => stream.destroy());
    ignorePeerWindow(stream._spdyState.window.send);
    stream.respond(200, {});
    const key = stream.headers['requestid'] ?? stream.headers['port'] ?? '';
    const pair = pairs.get(key) ?? { finished: false };
    pairs.set(key, pair);

    const type = stream.headers['streamtype'];
    if (type === 'error') {
      pair.error = stream;
      stream.resume(); // kubectl writes nothing here; drain its FIN
      if (pair.pendingError !== undefined || pair.finished) finish(key, pair);
      return;
    }
    if (type !== 'data') {
      stream.abort();
      return;
    }
    pair.data = stream;

    const port = Number(stream.headers['port']);
    const fail = (reason: string): void => {
      pair.pendingError ??= forwardError(pod, port, reason);
      finish(key, pair);
    };
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      fail(`invalid port ${stream.headers['port'] ?? '(none)'}`);
      return;
    }
    const tcp = connectTarget(target, port, fail);
    if (tcp === undefined) return;
    targets.add(tcp);
    stream.pipe(tcp);
    tcp.pipe(stream);
    tcp.on('close', () => {
      targets.delete(tcp);
      finish(key, pair);
    });
    stream.on('close', () => tcp.destroy());
  });

  /** Ends both streams of a request: the error stream's EOF tells kubectl the forward is over. */
  function finish(key: string, pair: StreamPair): void {
    pair.finished = true;
    if (pair.data !== undefined && pair.data.writable) pair.data.end();
    if (pair.error === undefined) return; // ended when it arrives
    if (pair.error.writable) {
      if (pair.pendingError !== undefined) pair.error.write(pair.pendingError);
      pair.error.end();
    }
    pairs.delete(key);
  }

  const closeAll = (): void => {
    for (const tcp of targets) tcp.destroy();
    targets.clear();
    pairs.clear();
  };
  connection.on('error', () => {
    closeAll();
    socket.destroy();
  });
  connection.on('close', closeAll);
  socket.on('close', closeAll);
}

/**
 * spdy-transport insists on HTTP pseudo-headers (`:method`, `:path`) in every SYN_STREAM;
 * Kubernetes' streams carry only their own headers. Patch this connection's parser (not the
 * shared prototype) to supply harmless ones for streams that carry `streamtype`.
 */
function acceptStreamsWithoutHttpHeaders(connection: SpdyConnection): void {
  const parser = connection._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buffer, callback) => {
    parseKVs(buffer, (err, headers) => {
      if (err === null && headers !== undefined && headers['streamtype'] !== undefined) {
        headers[':method'] ??= 'GET';
        headers[':path'] ??= '/';
      }
      callback(err, headers);
    });
  };
}

/**
 * kubectl's SPDY library (moby/spdystream) never sends WINDOW_UPDATE, and the kubelet's copy of
 * it never enforces windows, so after the first 64 KiB spdy-transport would wait forever for
 * credit. Refill the send window before every use: flow control is left to TCP, as on a
 * real cluster.
 */
function ignorePeerWindow(side: SpdyWindowSide): void {
  const update = side.update.bind(side);
  side.update = (size, callback) => {
    if (size < 0) side.current = side.max;
    update(size, callback);
  };
}
