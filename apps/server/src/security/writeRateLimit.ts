import { rateLimit } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../httpError';
import { UNSAFE_METHODS } from './originCheck';

/** Changes per client address per minute: far above a person's pace, well below a flood. */
export const DEFAULT_WRITES_PER_MINUTE = 120;
/**
 * Dry runs (`?dryRun=true`) are counted apart and more loosely: a form previews its diff as the
 * person types, and a preview changes nothing.
 */
export const DRY_RUNS_PER_WRITE = 5;

const isDryRun = (req: Request): boolean => req.query.dryRun === 'true';

function limiter(limit: number, what: string, counts: (req: Request) => boolean): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => !UNSAFE_METHODS.has(req.method) || !counts(req),
    handler: (_req, _res, next) =>
      next(
        new HttpError(
          429,
          'rate_limited',
          `More than ${limit} ${what} a minute from this address; wait a minute and try again.`,
        ),
      ),
  });
}

/** 429 once a client sends more than `limit` changes (or 5× as many dry runs) in a minute; reads are never limited. */
export function writeRateLimit(limit = DEFAULT_WRITES_PER_MINUTE): RequestHandler[] {
  return [
    limiter(limit, 'changes', (req) => !isDryRun(req)),
    limiter(limit * DRY_RUNS_PER_WRITE, 'previews (dry runs)', isDryRun),
  ];
}
