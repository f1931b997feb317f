/**
 * ServiceAccount tokens as kube-apiserver issues them for TokenRequest (`kubectl create
 * token`): signed JWTs (ES256) with the cluster's issuer and audience, the `kubernetes.io`
 * claim naming the ServiceAccount, an expiry. They authenticate as
 * `system:serviceaccount:NS:NAME` while that ServiceAccount exists with the same uid.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { z } from 'zod';
import type { KubeObject } from '../cluster/types';
import type { UserInfo } from './rbac';

export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The audiences the API server accepts tokens for (`--api-audiences`). */
export const API_AUDIENCES = [SA_ISSUER];
const ALG = 'ES256';

export const signingKeySchema = z.object({ privateJwk: z.looseObject({ kty: z.string() }), kid: z.string() });
export type SigningKeyFile = z.infer<typeof signingKeySchema>;

export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

export interface ServiceAccountLookup {
  (namespace: string, name: string): KubeObject | undefined;
}

export class ServiceAccountTokens {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly kid: string,
    private readonly lookup: ServiceAccountLookup,
  ) {}

  /** A new key, or the saved one (so tokens stay valid across restarts). */
  static async create(
    lookup: ServiceAccountLookup,
    saved?: SigningKeyFile,
  ): Promise<{ tokens: ServiceAccountTokens; key: SigningKeyFile }> {
    let key = saved;
    if (!key) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      key = {
        privateJwk: (await exportJWK(pair.privateKey)) as SigningKeyFile['privateJwk'],
        kid: randomUUID(),
      };
    }
    const privateKey = (await importJWK(key.privateJwk as JWK, ALG)) as CryptoKey;
    const { d: _d, ...publicJwk } = key.privateJwk as JWK;
    const publicKey = (await importJWK(publicJwk, ALG)) as CryptoKey;
    return { tokens: new ServiceAccountTokens(privateKey, publicKey, key.kid, lookup), key };
  }

  async issue(
    sa: KubeObject,
    opts: { audiences: string[]; expirationSeconds: number; now?: Date },
  ): Promise<IssuedToken> {
    const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
    const exp = now + opts.expirationSeconds;
    const namespace = sa.metadata.namespace ?? '';
    const token = await new SignJWT({
      'kubernetes.io': {
        namespace,
        serviceaccount: { name: sa.metadata.name, uid: sa.metadata.uid ?? '' },
      },
    })
      .setProtectedHeader({ alg: ALG, kid: this.kid })
      .setIssuer(SA_ISSUER)
      .setSubject(`system:serviceaccount:${namespace}:${sa.metadata.name}`)
      .setAudience(opts.audiences)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /**
   * The ServiceAccount user of a token signed here for one of `audiences`, or undefined (bad
   * signature, expired, other audience, or the ServiceAccount deleted or recreated since).
   */
  async verify(token: string, audiences: string[] = API_AUDIENCES): Promise<UserInfo | undefined> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        issuer: SA_ISSUER,
        audience: audiences,
        algorithms: [ALG],
      }));
    } catch {
      return undefined;
    }
    const claim = z
      .object({
        namespace: z.string(),
        serviceaccount: z.object({ name: z.string(), uid: z.string() }),
      })
      .safeParse(payload['kubernetes.io']);
    if (!claim.success) return undefined;
    const { namespace, serviceaccount } = claim.data;
    const sa = this.lookup(namespace, serviceaccount.name);
    if (!sa || sa.metadata.uid !== serviceaccount.uid) return undefined;
    const user: UserInfo = {
      name: `system:serviceaccount:${namespace}:${serviceaccount.name}`,
      uid: serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    };
    if (typeof payload.jti === 'string') {
      user.extra = { 'authentication.kubernetes.io/credential-id': [`JTI=${payload.jti}`] };
    }
    return user;
  }
}

/** `iss` of a JWT without verifying it: which authenticator should look at the token. */
export function unverifiedIssuer(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    const iss = (payload as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
