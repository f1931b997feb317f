import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../support/waitFor';

/** The graph page, by the roles and labels a person (and a screen reader) uses. */
export class GraphPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async goto(search = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/graph${search}`);
  }

  get canvas(): Locator {
    return this.page.getByRole('img', { name: /^Service graph/ });
  }

  get summary(): Locator {
    return this.page.getByRole('complementary', { name: 'Graph summary' });
  }

  get graphType(): Locator {
    return this.page.getByLabel('Graph type');
  }

  get findBox(): Locator {
    return this.page.getByRole('searchbox', { name: 'Find' });
  }

  get hideBox(): Locator {
    return this.page.getByRole('searchbox', { name: 'Hide' });
  }

  get warningsBanner(): Locator {
    return this.page.getByRole('status', { name: 'Graph warnings' });
  }

  get nodesTable(): Locator {
    return this.page.getByRole('table', { name: /^Nodes/ });
  }

  get edgesTable(): Locator {
    return this.page.getByRole('table', { name: /^Edges/ });
  }

  /** The side panel showing a node or edge, by its name. */
  details(name: string): Locator {
    return this.page.getByRole('complementary', { name: `Details of ${name}` });
  }

  /** A figure (`<dt>` label → `<dd>` value) inside `scope`. */
  async figure(scope: Locator, label: string): Promise<string> {
    return (
      await scope
        .locator('.figure')
        .filter({ has: this.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd')
        .innerText()
    ).trim();
  }

  /** Number of nodes the canvas has drawn (cytoscape's own count, set when it synced). */
  async drawnNodeCount(): Promise<number> {
    return Number((await this.canvas.getAttribute('data-nodes')) ?? '0');
  }

  /** Waits until the canvas has laid out at least `minNodes` nodes. */
  async waitForGraph(minNodes: number, timeoutMs = 90_000): Promise<number> {
    return waitFor(
      async () => {
        const layout = await this.canvas.getAttribute('data-layout');
        const nodes = await this.drawnNodeCount();
        return layout === 'done' && nodes >= minNodes ? nodes : undefined;
      },
      { timeoutMs, what: `the graph to draw at least ${minNodes} nodes` },
    );
  }

  async showTable(): Promise<void> {
    await this.page.getByRole('button', { name: 'Table', exact: true }).click();
  }

  async showGraph(): Promise<void> {
    await this.page.getByRole('button', { name: 'Graph', exact: true }).click();
  }

  /** The edges-table row of `from → to` (names as drawn, e.g. `productpage v1 → reviews`). */
  edgeRow(from: string | RegExp, to: string): Locator {
    const name = typeof from === 'string' ? `${from} → ${to}` : new RegExp(`^${from.source} → ${to}$`);
    return this.edgesTable
      .getByRole('row')
      .filter({ has: this.page.getByRole('button', { name, exact: true }) });
  }

  nodeButton(name: string): Locator {
    return this.nodesTable.getByRole('button', { name, exact: true });
  }

  async setFind(expression: string): Promise<void> {
    await this.findBox.fill(expression);
    await this.findBox.press('Enter');
  }

  async setHide(expression: string): Promise<void> {
    await this.hideBox.fill(expression);
    await this.hideBox.press('Enter');
  }

  /** The message under a find/hide box (its error, or how many elements it matched). */
  async expressionMessage(box: 'Find' | 'Hide'): Promise<string> {
    const input = box === 'Find' ? this.findBox : this.hideBox;
    const id = await input.getAttribute('aria-describedby');
    return (await this.page.locator(`[id="${id ?? ''}"]`).innerText()).trim();
  }

  searchParam(name: string): string | null {
    return new URL(this.page.url()).searchParams.get(name);
  }
}
