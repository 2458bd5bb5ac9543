import { AppException } from '../errors/app.exception';

/**
 * A position in a list ordered by (timestamp, id). The timestamp is kept as PostgreSQL
 * renders it to the microsecond (see `CURSOR_TIMESTAMP_SQL`): a JS Date would round to
 * milliseconds and skip or repeat rows.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** SQL rendering `column` as the `at` of a cursor: UTC, microseconds, ISO 8601. */
export function cursorTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** The position a client's cursor names; 400 `validation_failed` for anything we did not issue. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | null {
  if (cursor === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    typeof parsed[1] === 'string' &&
    AT_PATTERN.test(parsed[0]) &&
    UUID_PATTERN.test(parsed[1])
  ) {
    return { at: parsed[0], id: parsed[1] };
  }
  throw AppException.validation('cursor', 'cursor is not valid');
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells that there is more.
 * `positionOf` names the last returned row, where the next page starts after.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => KeysetPosition,
  map: (row: Row) => Item,
): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null,
  };
}
