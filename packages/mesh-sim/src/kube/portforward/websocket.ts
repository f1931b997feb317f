import type { IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { connectTarget, forwardError, podFromRequest, type TargetResolver } from './target';

/**
 * client-node's PortForward speaks the kubelet's channel protocol over WebSocket
 * (KUBE-SIM §5.1): binary frames whose first byte is the channel, channel 2i carries data
 * for the i-th port and 2i+1 its errors, and each channel opens with the port number as a
 * little-endian uint16 (client-node strips those two bytes unconditionally).
 */
export const CHANNEL_PROTOCOL = 'v4.channel.k8s.io';

let server: WebSocketServer | undefined;

function webSocketServer(): WebSocketServer {
  server ??= new WebSocketServer({
    noServer: true,
    // The kubelet does not compress; keeping frames plain keeps byte counts honest.
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(CHANNEL_PROTOCOL) ? CHANNEL_PROTOCOL : false),
  });
  return server;
}

/** Ports from `?ports=80,443` or `?ports=80&ports=443`; undefined when any is not a port number. */
export function parsePorts(req: IncomingMessage): number[] | undefined {
  const query = new URL(req.url ?? '/', 'https://localhost').searchParams;
  const ports = query
    .getAll('ports')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) return undefined;
  return ports;
}

export function handleWebSocketPortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  ports: number[],
  target: TargetResolver,
): void {
  webSocketServer().handleUpgrade(req, socket, head, (ws) => {
    forwardChannels(ws, podFromRequest(req).name, ports, target);
  });
}

function frame(channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), payload]);
}

function portPreamble(channel: number, port: number): Buffer {
  return Buffer.from([channel, port & 0xff, (port >> 8) & 0xff]);
}

function forwardChannels(ws: WebSocket, pod: string, ports: number[], target: TargetResolver): void {
  const connections: (net.Socket | undefined)[] = [];
  let closing = false;

  const closeAll = (): void => {
    if (closing) return;
    closing = true;
    for (const connection of connections) connection?.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  };

  ports.forEach((port, index) => {
    const dataChannel = index * 2;
    const errorChannel = dataChannel + 1;
    ws.send(portPreamble(dataChannel, port));
    ws.send(portPreamble(errorChannel, port));

    const connection = connectTarget(target, port, (reason) => {
      if (ws.readyState === ws.OPEN)
        ws.send(frame(errorChannel, Buffer.from(forwardError(pod, port, reason))));
      closeAll();
    });
    connections[index] = connection;
    if (connection === undefined) return;
    connection.on('data', (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(dataChannel, chunk));
    });
    // The pod side hung up: like the kubelet, end the whole forward.
    connection.on('close', closeAll);
  });

  ws.on('message', (data: RawData) => {
    const message = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    const channel = message[0];
    if (channel === undefined || channel % 2 === 1) return; // clients never write error channels
    connections[channel / 2]?.write(message.subarray(1));
  });
  ws.on('close', closeAll);
  ws.on('error', closeAll);
}
