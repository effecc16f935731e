/**
 * The body of a list or series answer, as bytes, JSON or CSV.
 *
 * Answer rows that can no longer change: a series' periods that ended before the settled block
 * (`src/api/rollup.ts` keeps them). Each is shaped and written as JSON once, then reused by every
 * answer that covers its period: a 30-day hourly series is 720 rows.
 *
 * A row marked final must never be changed afterwards: its text would no longer match it. Rows
 * shared unchanged by every answer at one indexed position (the head's ranking) are marked too.
 */
import { createHash } from "node:crypto";

const finalRows = new WeakSet<object>();
/** A final row's text and, once an answer's tag needed it, its digest (below): one lookup per row and answer. */
type FinalText = { text: Buffer; digest: Buffer | undefined };
const finalTexts = new WeakMap<object, FinalText>();

export function markFinal<T extends object>(row: T): T {
  finalRows.add(row);
  return row;
}

function finalText(row: object): FinalText | undefined {
  let known = finalTexts.get(row);
  if (known === undefined && finalRows.has(row)) {
    known = { text: Buffer.from(JSON.stringify(row)), digest: undefined };
    finalTexts.set(row, known);
  }
  return known;
}

/** A row's JSON, as bytes: written once for a final row, every time for any other. */
export function rowJson(row: object): Buffer {
  return finalText(row)?.text ?? Buffer.from(JSON.stringify(row));
}

const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]}");

/**
 * What an answer's ETag hashes, when it is not the body itself: the body with each final row's text
 * replaced by a marker byte and that text's own SHA-1, taken once per row. A 30-day hourly series
 * then hashes 15 kB, not 200 kB, per answer. The marker (0x01) cannot occur in JSON text, which
 * escapes control characters, so this input still names one body: equal tags, equal bodies.
 */
const digestInputs = new WeakMap<Uint8Array, Buffer>();
const DIGEST_MARK = Buffer.from([1]);

const digestOf = (final: FinalText) => (final.digest ??= Buffer.concat([DIGEST_MARK, createHash("sha1").update(final.text).digest()]));

/** The digest an answer's ETag is made of: SHA-1 of the body, or of its digest input (above) for a list with final rows. */
export function bodyDigest(body: Uint8Array | string): string {
  const input = typeof body === "string" ? body : (digestInputs.get(body) ?? body);
  return createHash("sha1").update(input).digest("base64url");
}

/**
 * The bytes of `JSON.stringify({ ...meta, data: rows })` (meta holds no `data`), each row's from
 * `rowJson`. Bytes, never one string: V8 puts a string over 128 kB (a 30-day hourly series is 200 kB)
 * in its own mapped pages, and mapping, faulting and unmapping them for every answer cost more than
 * writing the answer did. A buffer of that size is reused heap memory.
 */
export function jsonList(meta: Record<string, unknown>, rows: readonly object[]): Buffer {
  const head = JSON.stringify(meta);
  const parts: Buffer[] = [Buffer.from(head === "{}" ? '{"data":[' : `${head.slice(0, -1)},"data":[`)];
  const digestParts: Buffer[] = [parts[0]!];
  let finalCount = 0;
  for (const [index, row] of rows.entries()) {
    if (index > 0) {
      parts.push(COMMA);
      digestParts.push(COMMA);
    }
    const final = finalText(row);
    if (final) {
      parts.push(final.text);
      digestParts.push(digestOf(final));
      finalCount++;
    } else {
      const text = Buffer.from(JSON.stringify(row));
      parts.push(text);
      digestParts.push(text);
    }
  }
  parts.push(CLOSE);
  const body = Buffer.concat(parts);
  if (finalCount > 0) {
    digestParts.push(CLOSE);
    digestInputs.set(body, Buffer.concat(digestParts));
  }
  return body;
}

/**
 * Shapes rows for an answer. A final row's shaped row is made once, marked final and reused: the
 * shape may only read values that are as final as the row (a period's closing non-circulating
 * balances, its unique payers), never the request's own range or position.
 */
export function finalShaper<S extends object, R extends object>(): (rows: readonly S[], shape: (row: S, index: number) => R) => R[] {
  const shaped = new WeakMap<S, R>();
  return (rows, shape) =>
    rows.map((row, index) => {
      const known = shaped.get(row);
      if (known !== undefined) return known;
      const result = shape(row, index);
      if (finalRows.has(row)) shaped.set(row, markFinal(result));
      return result;
    });
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV bytes: a header line of the first row's keys, then a line per row. Empty for no rows. */
export function csvList(rows: readonly Record<string, unknown>[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  const columns = Object.keys(rows[0]!);
  const lines = [Buffer.from(`${columns.join(",")}\n`)];
  for (const row of rows) lines.push(Buffer.from(`${columns.map((column) => csvCell(row[column])).join(",")}\n`));
  return Buffer.concat(lines);
}
