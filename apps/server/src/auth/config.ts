export const AUTH_STRATEGIES = ['anonymous', 'token', 'openid', 'header'] as const;
export type AuthStrategy = (typeof AUTH_STRATEGIES)[number];

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Extra scopes besides `openid` (default: profile email groups offline_access). */
  scopes?: string[];
}

/** How people sign in (`--auth`) and how their session is kept. */
export interface AuthConfig {
  strategy: AuthStrategy;
  /** The kubeconfig user the server runs as; the anonymous name when SelfSubjectReview is unavailable. */
  user: string;
  /** Seals the session cookie (iron-session); at least 32 characters. */
  sessionSecret: string;
  /** Longest a session lasts, whatever the token's own expiry (default 8 h). */
  sessionMaxAgeSeconds?: number;
  /** Failed sign-in attempts allowed per client address and minute (default 10). */
  loginAttemptsPerMinute?: number;
  /** Where people reach Sextant (`--public-url`): the OIDC redirect URI, and `Secure` cookies over https. */
  publicUrl?: string;
  oidc?: OidcSettings;
  /** `--auth header`: the headers a trusted authenticating proxy sets. */
  header?: { user: string; groups?: string };
  /** How long an identity's access reviews are reused (default 30 s). */
  accessTtlMs?: number;
}

export const DEFAULT_SESSION_MAX_AGE_SECONDS = 8 * 3600;
