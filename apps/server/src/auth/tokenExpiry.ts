import { decodeJwt } from 'jose';

/**
 * When a bearer token stops working, if it says so: ServiceAccount and OIDC tokens are JWTs
 * with `exp`. The signature is the API server's business; this only reads the date.
 */
export function tokenExpiresAt(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
