/**
 * OIDC ID tokens as bearer tokens, configured like kube-apiserver's `--oidc-*` flags: the
 * issuer's discovery document names its JWKS, tokens must be signed by one of its keys, carry
 * `iss` equal to the issuer URL exactly, `aud` containing the client id, and not be expired.
 * The user is the username claim (default `sub`, prefixed with `<issuer>#` unless told
 * otherwise, as kube-apiserver does) and the groups claim.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { UserInfo } from './rbac';

export interface OidcOptions {
  /** `--oidc-issuer-url`: https (plain http is accepted for loopback issuers in tests only). */
  issuerUrl: string;
  /** `--oidc-client-id`: the audience tokens must carry. */
  clientId: string;
  /** `--oidc-username-claim` (default `sub`). */
  usernameClaim?: string;
  /** `--oidc-username-prefix`; `-` for none. Default: `<issuer>#` unless the claim is `email`. */
  usernamePrefix?: string;
  /** `--oidc-groups-claim` (no groups when absent). */
  groupsClaim?: string;
  /** `--oidc-groups-prefix`. */
  groupsPrefix?: string;
  /** `--oidc-ca-file`: CA that signed the issuer's certificate (default: the system's). */
  caFile?: string;
  /** `--oidc-signing-algs` (default RS256 and ES256). */
  signingAlgs?: string[];
}

const discoverySchema = z.looseObject({ issuer: z.string(), jwks_uri: z.string() });

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** GET with an extra CA (jose's fetch hook; global fetch cannot take a CA per request). */
function fetchWithCa(ca: string | undefined): FetchImplementation {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      const send = u.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = send(
        u,
        {
          method: 'GET',
          headers: Object.fromEntries(options.headers.entries()),
          ...(ca && u.protocol === 'https:' ? { ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      options.signal.addEventListener('abort', () => req.destroy(new Error('aborted')));
      req.end();
    });
}

export class OidcAuthenticator {
  readonly issuer: string;
  private readonly fetch: FetchImplementation;
  private jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly opts: OidcOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    const url = new URL(opts.issuerUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
      throw new Error(`--oidc-issuer-url must use https (got ${opts.issuerUrl})`);
    }
    if (!opts.clientId) throw new Error('--oidc-client-id is required with --oidc-issuer-url');
    this.issuer = opts.issuerUrl;
    this.fetch = fetchWithCa(opts.caFile ? readFileSync(opts.caFile, 'utf8') : undefined);
  }

  /** Discovery, once it has worked (a failure is retried on the next token). */
  private keys(): Promise<JWTVerifyGetKey> {
    this.jwks ??= (async () => {
      const url = `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await this.fetch(url, {
        headers: new Headers({ accept: 'application/json' }),
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      const doc = discoverySchema.parse(await res.json());
      if (doc.issuer !== this.issuer) {
        throw new Error(`discovery issuer "${doc.issuer}" does not match the configured "${this.issuer}"`);
      }
      return createRemoteJWKSet(new URL(doc.jwks_uri), { [customFetch]: this.fetch });
    })().catch((err: unknown) => {
      this.jwks = undefined;
      throw err;
    });
    return this.jwks;
  }

  /** The user of a valid ID token, or undefined (kube-apiserver answers 401 then). */
  async verify(token: string): Promise<UserInfo | undefined> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.issuer,
        audience: this.opts.clientId,
        algorithms: this.opts.signingAlgs ?? ['RS256', 'ES256'],
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      this.log(`mesh-sim: OIDC token refused: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const claim = this.opts.usernameClaim ?? 'sub';
    const username = payload[claim];
    if (typeof username !== 'string' || !username) return undefined;
    if (claim === 'email' && payload.email_verified === false) return undefined;
    const prefix =
      this.opts.usernamePrefix === '-'
        ? ''
        : (this.opts.usernamePrefix ?? (claim === 'email' ? '' : `${this.issuer}#`));
    const groups: string[] = [];
    if (this.opts.groupsClaim) {
      const raw = payload[this.opts.groupsClaim];
      const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
      for (const g of list) if (typeof g === 'string') groups.push(`${this.opts.groupsPrefix ?? ''}${g}`);
    }
    return { name: `${prefix}${username}`, groups: [...groups, 'system:authenticated'] };
  }
}
