/** Request/response plumbing shared by the API server's handlers. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { StatusError, badRequest } from './status';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new StatusError(413, 'RequestEntityTooLarge', 'request entity too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media type without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Parses a JSON (or YAML) request body; 400 BadRequest when it is not. */
export function parseBody(buf: Buffer, contentType: string): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (contentType.includes('yaml')) {
      try {
        return YAML.parse(text) as unknown;
      } catch (err) {
        throw badRequest(`error decoding YAML: ${String(err)}`);
      }
    }
    throw badRequest(`couldn't get version/kind; json parse error: ${text.slice(0, 40)}`);
  }
}

function baseHeaders(): Record<string, string> {
  return { 'Audit-Id': randomUUID(), 'Cache-Control': 'no-cache, private' };
}

const warnings = new WeakMap<ServerResponse, string[]>();

/** Warnings collected while handling a request; sent as `Warning: 299 - "…"` headers. */
export function warningsOf(res: ServerResponse): string[] {
  let list = warnings.get(res);
  if (!list) {
    list = [];
    warnings.set(res, list);
  }
  return list;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  const pending = warnings.get(res);
  if (pending?.length && status < 300) {
    res.setHeader(
      'Warning',
      pending.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof StatusError) {
    sendJson(res, err.code, err.body);
    return;
  }
  const e = new StatusError(
    500,
    'InternalError',
    `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
  );
  sendJson(res, 500, e.body);
}

export { baseHeaders };
