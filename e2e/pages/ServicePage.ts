import type { Locator, Page } from 'playwright-core';

/** The service page and its traffic-shifting form, by roles and labels. */
export class ServicePage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async goto(namespace: string, name: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/services/${namespace}/${name}`);
    await this.form.waitFor({ timeout: 60_000 });
  }

  get form(): Locator {
    return this.page.getByRole('region', { name: 'Traffic shifting' });
  }

  weight(subset: string): Locator {
    return this.form.getByRole('spinbutton', { name: `Weight for ${subset}` });
  }

  async weights(subsets: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const s of subsets) out[s] = Number(await this.weight(s).inputValue());
    return out;
  }

  /** The observed share of a subset, as a number, or undefined while there is no traffic. */
  async observed(subset: string): Promise<number | undefined> {
    const text = (await this.form.getByTestId(`observed-${subset}`).innerText()).trim();
    return text.endsWith('%') ? Number(text.slice(0, -1)) : undefined;
  }

  preset(label: string): Locator {
    return this.form.getByRole('group', { name: 'Presets' }).getByRole('button', { name: label });
  }

  get preview(): Locator {
    return this.form.getByLabel('What will change', { exact: true });
  }

  get apply(): Locator {
    return this.form.getByRole('button', { name: 'Apply', exact: true });
  }

  get applied(): Locator {
    return this.form.getByRole('status').filter({ hasText: 'Applied' });
  }

  get undo(): Locator {
    return this.form.getByRole('button', { name: 'Undo this change' });
  }

  get conflict(): Locator {
    return this.form.getByRole('alert').filter({ hasText: 'changed this routing' });
  }

  get reapply(): Locator {
    return this.form.getByRole('button', { name: 'Re-apply on the latest version' });
  }

  get permissionNote(): Locator {
    return this.form.getByRole('note');
  }

  get history(): Locator {
    return this.page.getByRole('table', { name: 'Change history' });
  }

  get policyForm(): Locator {
    return this.page.getByRole('region', { name: 'Timeouts, retries and faults' });
  }

  policyField(label: string): Locator {
    return this.policyForm.getByLabel(label, { exact: true });
  }

  get requestRouting(): Locator {
    return this.page.getByRole('region', { name: 'Request routing' });
  }

  /** Rule `n` (from 1) of the request-routing form. */
  rule(n: number): Locator {
    return this.requestRouting.getByRole('listitem', { name: `Rule ${n}` });
  }
}
