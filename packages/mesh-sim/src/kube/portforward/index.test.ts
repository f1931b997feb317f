import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { handlePortForward } from './index';
import { parsePorts } from './websocket';

function request(url: string, headers: Record<string, string>): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

/** Runs handlePortForward on an in-memory socket and returns what it answered. */
async function answer(req: IncomingMessage): Promise<string> {
  const socket = new PassThrough();
  let written = '';
  socket.on('data', (d: Buffer) => (written += d.toString()));
  const ended = new Promise((resolve) => socket.on('finish', resolve));
  handlePortForward(req, socket, Buffer.alloc(0), () => undefined);
  await ended;
  return written;
}

describe('parsePorts', () => {
  it('reads one or several ports', () => {
    expect(parsePorts(request('/api/v1/namespaces/a/pods/b/portforward?ports=9080', {}))).toEqual([9080]);
    expect(parsePorts(request('/x?ports=80,443', {}))).toEqual([80, 443]);
    expect(parsePorts(request('/x?ports=80&ports=443', {}))).toEqual([80, 443]);
  });

  it('rejects missing or invalid ports', () => {
    expect(parsePorts(request('/x', {}))).toBeUndefined();
    expect(parsePorts(request('/x?ports=http', {}))).toBeUndefined();
    expect(parsePorts(request('/x?ports=70000', {}))).toBeUndefined();
  });
});

describe('handlePortForward refusals', () => {
  const path = '/api/v1/namespaces/bookinfo/pods/productpage-v1-abc-12345/portforward';

  it("refuses kubectl's SPDY-over-WebSocket tunnel so it falls back to SPDY", async () => {
    const text = await answer(
      request(path, { upgrade: 'websocket', 'sec-websocket-protocol': 'SPDY/3.1+portforward.k8s.io' }),
    );
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('"kind":"Status"');
  });

  it('refuses a WebSocket without ports', async () => {
    const text = await answer(
      request(path, { upgrade: 'websocket', 'sec-websocket-protocol': 'v4.channel.k8s.io' }),
    );
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('ports');
  });

  it('refuses SPDY for another stream protocol, and requests without an upgrade', async () => {
    expect(
      await answer(request(path, { upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'v4.channel.k8s.io' })),
    ).toMatch(/^HTTP\/1\.1 400 /);
    expect(await answer(request(path, {}))).toMatch(/^HTTP\/1\.1 400 /);
  });
});
