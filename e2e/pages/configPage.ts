import type { Locator, Page } from 'playwright-core';

/** The Istio config list and object pages, by roles and labels. */
export class ConfigPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async gotoList(search = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/istio${search}`);
    await this.table.waitFor({ timeout: 60_000 });
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Istio objects' });
  }

  /** The row of an object in the list, by kind and name. */
  row(kind: string, name: string): Locator {
    return this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: kind, exact: true }) })
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** The number shown on a validation-state filter button (`error`, `warning`, `info`, `valid`). */
  async count(state: string): Promise<number> {
    return Number(await this.page.getByTestId(`count-${state}`).locator('.config-page__count').innerText());
  }

  get editor(): Locator {
    return this.page.getByTestId('yaml-editor');
  }

  get editorContent(): Locator {
    return this.editor.locator('.cm-content');
  }

  /** The editor's text, line by line as CodeMirror renders it. */
  async editorText(): Promise<string> {
    // An empty line renders a <br>, which innerText reads as a newline of its own.
    const lines = (await this.editorContent.locator('.cm-line').allInnerTexts()).map((l) =>
      l.replace(/\n$/, ''),
    );
    // The last .cm-line is the empty line after the final newline.
    return lines.join('\n');
  }

  /** Replaces the whole text as a paste would (no auto-indent on typed newlines). */
  async setEditorText(text: string): Promise<void> {
    await this.editorContent.click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
  }

  /** Lint markers in the gutter, by severity. */
  markers(severity: 'error' | 'warning' | 'info'): Locator {
    return this.editor.locator(`.cm-lint-marker-${severity}`);
  }

  get findings(): Locator {
    return this.page.getByRole('list', { name: 'Findings' }).getByRole('listitem');
  }

  button(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name, exact: typeof name === 'string' });
  }

  get diff(): Locator {
    return this.page.getByLabel('Diff of your change');
  }

  get status(): Locator {
    return this.page.getByRole('status');
  }
}
