import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { HttpError } from '../httpError';
import { jsonDepthExceeds } from './jsonDepth';
import { UNSAFE_METHODS } from './originCheck';

/** Largest JSON body: a big VirtualService is tens of kilobytes. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Deepest nesting a body may have; Istio objects nest about 10 levels. */
export const MAX_JSON_DEPTH = 64;

const JSON_TYPES = ['application/json', 'application/*+json'];
const TOO_DEEP = 'entity.too.deep';

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** 415 for a change whose body is not JSON (a form, text/plain, XML…). */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!UNSAFE_METHODS.has(req.method) || !hasBody(req) || req.is(JSON_TYPES)) return next();
  next(
    new HttpError(
      415,
      'unsupported_media_type',
      `Sextant accepts JSON bodies only (content-type: application/json), got "${req.headers['content-type'] ?? 'none'}".`,
    ),
  );
};

const parseJson = express.json({
  limit: BODY_LIMIT_BYTES,
  type: JSON_TYPES,
  // Checked on the raw text before JSON.parse: deep nesting would otherwise overflow the stack
  // of whatever walks the value next (zod, structuredClone) and answer 5xx.
  verify: (_req, _res, buf) => {
    if (jsonDepthExceeds(buf.toString('utf8'), MAX_JSON_DEPTH)) {
      throw Object.assign(new Error('too deep'), { type: TOO_DEEP });
    }
  },
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** body-parser's failures as the statuses a client can act on (413, 415, 400), not a generic 400. */
const bodyErrors: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  const type = isRecord(err) ? err.type : undefined;
  if (type === 'entity.too.large') {
    return next(
      new HttpError(
        413,
        'payload_too_large',
        `The request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB.`,
      ),
    );
  }
  if (type === TOO_DEEP) {
    return next(
      new HttpError(400, 'bad_request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`),
    );
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return next(
      new HttpError(
        415,
        'unsupported_media_type',
        `Unsupported body encoding: ${String(isRecord(err) ? err.message : err)}`,
      ),
    );
  }
  next(err);
};

/** Keys that reach an object's prototype when code copies a parsed body with assignment. */
const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first prototype-polluting key in a parsed body, with its path; the body is at most 64 deep. */
export function poisonedKey(value: unknown): string | undefined {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() ?? { v: undefined, path: '' };
    if (typeof v !== 'object' || v === null) continue;
    for (const key of Object.keys(v)) {
      const at = Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(v) && POISONED_KEYS.has(key)) return at;
      stack.push({ v: (v as Record<string, unknown>)[key], path: at });
    }
  }
  return undefined;
}

/** 400 for `__proto__`, `constructor` or `prototype` anywhere in a body: no Istio field has those names. */
const refusePoisonedKeys: RequestHandler = (req, _res, next) => {
  const at = poisonedKey(req.body);
  if (at === undefined) return next();
  next(new HttpError(400, 'bad_request', `${at}: field name not allowed.`));
};

/** The API's body handling: JSON only, at most 1 MiB, at most 64 levels deep, no prototype keys. */
export function jsonBody(): (RequestHandler | ErrorRequestHandler)[] {
  return [requireJsonBody, parseJson, bodyErrors, refusePoisonedKeys];
}
