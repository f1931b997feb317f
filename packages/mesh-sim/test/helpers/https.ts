/** A minimal HTTPS client for raw Kubernetes API requests against mesh-sim (pins its CA). */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import YAML from 'yaml';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Reads the CA the kubeconfig pins. */
export function caFromKubeconfig(path: string): string {
  const config = YAML.parse(readFileSync(path, 'utf8')) as {
    clusters: { cluster: Record<string, string> }[];
  };
  const data = config.clusters[0]?.cluster['certificate-authority-data'] ?? '';
  return Buffer.from(data, 'base64').toString('utf8');
}

function open(base: string, ca: string, path: string, o: RequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    const req = request(new URL(path, base), { method: o.method ?? 'GET', ca, headers }, resolve);
    req.on('error', reject);
    req.end(o.body);
  });
}

export async function httpsRequest(
  base: string,
  ca: string,
  path: string,
  o: RequestOptions = {},
): Promise<RawResponse> {
  const res = await open(base, ca, path, o);
  let text = '';
  for await (const chunk of res) text += (chunk as Buffer).toString();
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Events received so far (one parsed JSON object per NDJSON line). */
  events: { type: string; object: Record<string, unknown> }[];
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch; resolves as soon as the response headers arrive. */
export async function openWatch(
  base: string,
  ca: string,
  path: string,
  o: RequestOptions = {},
): Promise<WatchStream> {
  const res = await open(base, ca, path, o);
  const events: WatchStream['events'] = [];
  let buffer = '';
  res.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) events.push(JSON.parse(line) as WatchStream['events'][number]);
      nl = buffer.indexOf('\n');
    }
  });
  const ended = new Promise<void>((resolve) => {
    res.on('end', () => resolve());
    res.on('close', () => resolve());
  });
  return { status: res.statusCode ?? 0, headers: res.headers, events, ended, close: () => res.destroy() };
}
