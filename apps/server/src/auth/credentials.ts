/**
 * The identity a request reaches the Kubernetes API with. `server`: Sextant's own (anonymous
 * strategy); `token`: the person's bearer token (token and openid strategies, scripts);
 * `impersonate`: Sextant's own identity asking to act as the user a trusted proxy named (header).
 */
export type Credentials =
  | { kind: 'server' }
  | { kind: 'token'; token: string }
  | { kind: 'impersonate'; user: string; groups: string[] };

export const SERVER_CREDENTIALS: Credentials = { kind: 'server' };
