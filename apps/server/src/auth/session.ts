import type { IncomingMessage, ServerResponse } from 'node:http';
import { getIronSession } from 'iron-session';
import type { IronSession } from 'iron-session';
import { DEFAULT_SESSION_MAX_AGE_SECONDS } from './config';
import type { AuthConfig } from './config';

/** What the sealed session cookie holds. The browser can neither read nor change it. */
export interface SessionData {
  /** The bearer token toward the API server (a pasted token, or the OIDC ID token). */
  token: string;
  /** OIDC only: renews `token` when it expires. */
  refreshToken?: string;
  user: string;
  groups: string[];
  /** Milliseconds since the epoch: the session, or the token within it, ends then. */
  expiresAt: number;
  /** Milliseconds since the epoch of the sign-in: refreshes never stretch a session past the maximum age. */
  signedInAt: number;
  /** This sign-in's id, so signing out can refuse copies of the sealed cookie too. */
  sid: string;
}

export const SESSION_COOKIE = 'sextant_session';

/**
 * The request's session, sealed in an httpOnly, SameSite=Strict cookie with iron-session:
 * no script reads it and no other site's page sends it.
 */
export function getSession(
  req: IncomingMessage,
  res: ServerResponse,
  config: AuthConfig,
): Promise<IronSession<SessionData>> {
  const ttl = config.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  return getIronSession<SessionData>(req, res, {
    cookieName: SESSION_COOKIE,
    password: config.sessionSecret,
    ttl,
    cookieOptions: {
      httpOnly: true,
      sameSite: 'strict',
      secure: config.publicUrl?.startsWith('https:') ?? false,
      path: '/',
    },
  });
}
