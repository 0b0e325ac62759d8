/**
 * What a command prints: with `--json` one JSON value on stdout (for scripts), otherwise lines
 * and aligned tables for people. Errors always go to stderr (see main.ts).
 */

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface Output {
  readonly json: boolean;
  /** Prints `data` as JSON under `--json`, else the readable `human` text. */
  result(data: unknown, human: () => string): void;
  /** A line for people only (progress, notes); silent under `--json` so stdout stays parseable. */
  note(text: string): void;
  /** A warning on stderr, whichever the mode. */
  warn(text: string): void;
}

export function createOutput(io: Io, json: boolean): Output {
  return {
    json,
    result(data, human) {
      io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    note(text) {
      if (!json) io.stdout(`${text}\n`);
    },
    warn(text) {
      io.stderr(`${text}\n`);
    },
  };
}

export interface Column<T> {
  header: string;
  value(row: T): string | number | undefined;
  /** Right-align (numbers). */
  right?: boolean;
}

/** A plain-text table: a header row, then one row each, columns padded to their widest cell. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => String(c.value(row) ?? '-')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** `2025-01-31 12:00:05` in UTC: sortable, unambiguous, no locale surprises in CI logs. */
export const time = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

export const duration = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
