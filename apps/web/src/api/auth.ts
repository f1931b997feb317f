import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LoginResponse } from '@sextant/shared';
import { z } from 'zod';
import { apiSend } from './client';

/**
 * Signing in and out. The token goes to the server once, in the body of POST /api/auth/login;
 * the server keeps it in a sealed httpOnly cookie, so the browser never stores it where a
 * script could read it (no localStorage, no sessionStorage, no readable cookie).
 */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => apiSend('POST', '/auth/login', { token }, LoginResponse),
    // Everything cached so far was read as nobody (or somebody else): read it again. Invalidate,
    // not reset: the sign-in form stays on screen (and mounted) until the new identity is known.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiSend('POST', '/auth/logout', undefined, z.undefined()),
    onSuccess: () => {
      queryClient.clear();
      void queryClient.invalidateQueries();
    },
  });
}

/** Where the browser goes to sign in through the identity provider (--auth openid). */
export const oidcLoginUrl = (returnTo: string): string =>
  `/api/auth/oidc/login?${new URLSearchParams({ returnTo }).toString()}`;
