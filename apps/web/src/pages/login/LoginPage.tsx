import { useState, type FormEvent } from 'react';
import type { AuthInfo } from '@sextant/shared';
import { oidcLoginUrl, useSignIn } from '../../api/auth';
import { navigate, useLocation } from '../../app/router';
import { returnToFrom } from './returnTo';
import './login.css';

/**
 * `/login`: the one sign-in page for every `--auth` strategy. Token: paste a Kubernetes token,
 * which the server checks with the API server. OpenID Connect: go to the identity provider.
 * Header: the proxy in front signs people in, so this page only says what is missing.
 */
export function LoginPage({ auth }: { auth: AuthInfo | undefined }) {
  const { search } = useLocation();
  const returnTo = returnToFrom(search);
  const providerError = new URLSearchParams(search).get('error');
  return (
    <main className="login" id="main">
      <section className="login__card" aria-labelledby="login-title">
        <div className="login__brand">
          <svg className="brand__mark" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M8 1.5 14.5 13.5h-13z" />
            <circle cx="8" cy="9.6" r="1.7" />
          </svg>
          Sextant
        </div>
        <h1 id="login-title" className="login__title">
          Sign in
        </h1>
        {providerError ? (
          <p className="login__error" role="alert">
            {providerError}
          </p>
        ) : null}
        {!auth ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : auth.strategy === 'token' ? (
          <TokenForm returnTo={returnTo} />
        ) : auth.strategy === 'openid' ? (
          <>
            <p className="login__lead">Sextant signs you in through your organisation’s identity provider.</p>
            <a className="button button--primary login__submit" href={oidcLoginUrl(returnTo)}>
              Sign in with your identity provider
            </a>
          </>
        ) : auth.strategy === 'header' ? (
          <p className="login__lead" role="status">
            {auth.authenticated
              ? `Your proxy signed you in as ${auth.user}.`
              : 'Sextant sits behind an authenticating proxy, and this request reached it without a signed-in user. Open Sextant through the proxy’s address.'}
          </p>
        ) : (
          <>
            <p className="login__lead">
              This Sextant needs no sign-in: it reads and writes as its own Kubernetes identity.
            </p>
            <button
              type="button"
              className="button button--primary login__submit"
              onClick={() => navigate(returnTo)}
            >
              Continue
            </button>
          </>
        )}
      </section>
    </main>
  );
}

function TokenForm({ returnTo }: { returnTo: string }) {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    signIn.mutate(token.trim(), {
      onSuccess: () => {
        setToken('');
        navigate(returnTo, { replace: true });
      },
    });
  };
  return (
    <form className="login__form" onSubmit={handleSubmit} noValidate>
      <p className="login__lead">
        Paste a Kubernetes bearer token. Sextant shows and changes exactly what that token may, as the
        cluster’s RBAC decides.
      </p>
      <label className="field" htmlFor="login-token">
        <span className="field__label">Kubernetes token</span>
        <textarea
          id="login-token"
          className="login__token"
          name="token"
          rows={4}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={signIn.isError}
          aria-describedby={signIn.isError ? 'login-error' : 'login-hint'}
        />
      </label>
      <p id="login-hint" className="login__hint muted">
        For example the output of{' '}
        <code>kubectl create token &lt;service-account&gt; -n &lt;namespace&gt;</code>. The token stays on the
        server, in a sealed cookie this page cannot read.
      </p>
      {signIn.isError ? (
        <p id="login-error" className="login__error" role="alert">
          {signIn.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        className="button button--primary login__submit"
        disabled={token.trim() === '' || signIn.isPending}
      >
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
