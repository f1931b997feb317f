/** Number formatting shared by edge labels, the side panel and the tables. */

/** `12.5rps`-style figure: one decimal below 100, none above, two for tiny rates so they don't read 0. */
export function formatRate(value: number): string {
  if (value === 0) return '0';
  if (value < 0.1) return value.toFixed(2);
  if (value < 100) return trimZero(value.toFixed(1));
  return value.toFixed(0);
}

/** A 0..100 share: `40`, `3.2`, `0.05`. */
export function formatPercent(value: number): string {
  if (value === 0) return '0';
  if (value < 0.1) return value.toFixed(2);
  if (value < 10) return trimZero(value.toFixed(1));
  return value.toFixed(0);
}

export function formatMs(value: number | null | undefined): string {
  if (value == null) return '–';
  if (value >= 10_000) return `${trimZero((value / 1000).toFixed(1))}s`;
  return `${value < 10 ? trimZero(value.toFixed(1)) : value.toFixed(0)}ms`;
}

export function formatBytes(perSecond: number): string {
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let value = perSecond;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatRate(value)} ${units[unit]}`;
}

function trimZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}
