import * as client from 'openid-client';
import { HttpError } from '../httpError';
import type { OidcSettings } from './config';

export interface OidcTokens {
  idToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch, from the ID token's `exp`. */
  expiresAt?: number;
}

/** What the browser keeps between the redirect to the issuer and the callback (sealed cookie). */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const DEFAULT_SCOPES = ['profile', 'email', 'groups', 'offline_access'];

const isLoopbackHttp = (url: URL): boolean =>
  url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * Authorization code + PKCE against the configured issuer (openid-client). The ID token becomes
 * the person's bearer token toward the API server, as kubectl's OIDC plugin does; the API server
 * (--oidc-issuer-url) verifies it.
 */
export class OidcClient {
  private config?: Promise<client.Configuration>;

  constructor(private readonly settings: OidcSettings) {}

  /** Discovery runs on first use and again after a failure (the issuer may start after us). */
  private configuration(): Promise<client.Configuration> {
    this.config ??= (async () => {
      const issuer = new URL(this.settings.issuerUrl);
      const auth = this.settings.clientSecret
        ? client.ClientSecretPost(this.settings.clientSecret)
        : client.None();
      // Plain http only for an issuer on this machine (tests, local dev); never across a network.
      const options = isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
      return client.discovery(issuer, this.settings.clientId, undefined, auth, options);
    })().catch((err: unknown) => {
      this.config = undefined;
      throw new HttpError(
        502,
        'upstream_unavailable',
        `Cannot reach the sign-in provider ${this.settings.issuerUrl}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return this.config;
  }

  async startLogin(redirectUri: string, returnTo: string): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      returnTo,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: ['openid', ...(this.settings.scopes ?? DEFAULT_SCOPES)].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  async finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<OidcTokens> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    return toTokens(tokens);
  }

  async refresh(refreshToken: string): Promise<OidcTokens> {
    const config = await this.configuration();
    const tokens = await client.refreshTokenGrant(config, refreshToken);
    const out = toTokens(tokens);
    return { ...out, refreshToken: out.refreshToken ?? refreshToken };
  }
}

function toTokens(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): OidcTokens {
  if (!tokens.id_token) throw new HttpError(502, 'upstream_error', 'The sign-in provider sent no ID token.');
  const exp = tokens.claims()?.exp;
  return {
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
  };
}
