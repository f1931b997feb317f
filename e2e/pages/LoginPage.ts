import type { Locator, Page } from 'playwright-core';

/** The sign-in page (`/login`) and the shell's signed-in corner, by roles and labels. */
export class LoginPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async goto(path = '/'): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
    await this.heading.waitFor({ timeout: 30_000 });
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { name: 'Sign in', level: 1 });
  }

  get token(): Locator {
    return this.page.getByLabel('Kubernetes token');
  }

  get submit(): Locator {
    return this.page.getByRole('button', { name: 'Sign in', exact: true });
  }

  get error(): Locator {
    return this.page.getByRole('alert');
  }

  get provider(): Locator {
    return this.page.getByRole('link', { name: 'Sign in with your identity provider' });
  }

  /** Pastes `token`, submits, and waits for the signed-in app. */
  async signInWithToken(token: string): Promise<void> {
    await this.token.fill(token);
    await this.submit.click();
    await this.signOut.waitFor({ timeout: 30_000 });
  }

  /** Pastes `token`, submits, and waits for the refusal; returns its words. */
  async refusedToken(token: string): Promise<string> {
    await this.token.fill(token);
    await this.submit.click();
    await this.error.waitFor({ timeout: 30_000 });
    return this.error.innerText();
  }

  /** The name in the header, once signed in. */
  get user(): Locator {
    return this.page.getByRole('banner').locator('.shell__user');
  }

  get signOut(): Locator {
    return this.page.getByRole('banner').getByRole('button', { name: 'Sign out' });
  }
}
