import { useState, type ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  label: string;
  /** The value sorted on. */
  value: (row: Row) => string | number | null;
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
}

export interface SortableTableProps<Row> {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowClassName?: (row: Row) => string | undefined;
  initialSort: { key: string; descending: boolean };
  /** PERFORMANCE: rows rendered at first and added per "Show more"; thousands of rows at once freeze the page. */
  pageSize?: number;
}

/** A plain HTML table whose column headers are buttons that sort it (aria-sort tells which way). */
export function SortableTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  rowClassName,
  initialSort,
  pageSize = 200,
}: SortableTableProps<Row>) {
  const [sort, setSort] = useState(initialSort);
  const [limit, setLimit] = useState(pageSize);
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];
  const sorted = [...rows];
  if (column) {
    sorted.sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
  }
  const table = (
    <table className="data-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = c.key === sort.key;
            return (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  className="sort-button"
                  onClick={() => setSort({ key: c.key, descending: active ? !sort.descending : !!c.numeric })}
                >
                  {c.label}
                  <span aria-hidden="true" className="sort-button__arrow">
                    {active ? (sort.descending ? '↓' : '↑') : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.slice(0, limit).map((row) => (
          <tr key={rowKey(row)} className={rowClassName?.(row)}>
            {columns.map((c) => (
              <td key={c.key} className={c.numeric ? 'num' : undefined}>
                {c.render ? c.render(row) : (c.value(row) ?? '–')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  const rest = sorted.length - limit;
  if (rest <= 0) return table;
  return (
    <div>
      {table}
      <p className="table-more">
        Showing {limit} of {sorted.length}.{' '}
        <button type="button" className="button" onClick={() => setLimit((value) => value + pageSize)}>
          Show {Math.min(rest, pageSize)} more
        </button>{' '}
        <button type="button" className="button" onClick={() => setLimit(sorted.length)}>
          Show all
        </button>
      </p>
    </div>
  );
}
