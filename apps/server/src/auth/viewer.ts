import type { Request } from 'express';
import { HttpError } from '../httpError';
import type { AuthStrategy } from './config';
import type { Credentials } from './credentials';
import type { FilteredCache } from './filteredCache';

/** Who is asking, and what of the cache they may see; set on every API request after sign-in. */
export interface Viewer {
  strategy: AuthStrategy;
  /** The name the API server knows the person by (SelfSubjectReview), recorded in the history. */
  user: string;
  groups: string[];
  /** What reads and writes toward the API server carry. */
  credentials: Credentials;
  /** The informer cache filtered by this person's RBAC: every read goes through it. */
  cache: FilteredCache;
  /** Milliseconds since the epoch when the session ends, when known. */
  expiresAt?: number;
  /** Asks the API server again (for long-lived streams); rejects when the credentials stopped working. */
  recheck(): Promise<FilteredCache>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      viewer?: Viewer;
    }
  }
}

/** The request's viewer; routes after the sign-in check always have one. */
export function viewerOf(req: Request): Viewer {
  if (!req.viewer) throw new HttpError(401, 'unauthorized', 'Sign in to Sextant first.');
  return req.viewer;
}
