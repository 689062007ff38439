import type { ReactNode } from "react";

/**
 * A list's table: column headings (`scope="col"`), an optional last column
 * for row actions whose heading only screen readers see, the rows, and what
 * goes under them in the same scroll area (`after`, say a `LoadMore`).
 */
export function DataTable({
  columns,
  actions,
  className,
  after,
  children,
}: {
  columns: readonly string[];
  actions?: string;
  className?: string;
  after?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : "table"}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
            {actions ? (
              <th scope="col">
                <span className="sr-only">{actions}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {after}
    </div>
  );
}
