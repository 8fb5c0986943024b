import { type Expression, type SqlBool, sql } from "kysely";

/**
 * Newest-first keyset paging: rows strictly older than the (time, id) of the
 * last row served, as one row-value comparison the (time, id) index serves.
 */
export function olderThan(timeColumn: string, idColumn: string, last: { readonly at: Date; readonly id: string }): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < (${last.at}, ${last.id})`;
}
