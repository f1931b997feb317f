import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { HttpError } from '../httpError';
import { UNSAFE_METHODS } from './originCheck';

/** Changes per client address per minute: far above a person's pace, well below a flood. */
export const DEFAULT_WRITES_PER_MINUTE = 120;

/** 429 once a client sends more than `limit` changes in a minute; reads are never limited. */
export function writeRateLimit(limit = DEFAULT_WRITES_PER_MINUTE): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => !UNSAFE_METHODS.has(req.method),
    handler: (_req, _res, next) =>
      next(
        new HttpError(
          429,
          'rate_limited',
          `More than ${limit} changes a minute from this address; wait a minute and try again.`,
        ),
      ),
  });
}
