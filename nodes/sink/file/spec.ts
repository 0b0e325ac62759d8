/**
 * file — sink. Appends one JSON line per message to a file inside the data directory.
 *
 * Ports:     in → (no outputs)
 * Emits:     nothing downstream.
 * Transient: the disk is full or the file is busy (ENOSPC, EAGAIN, EBUSY, EMFILE).
 * Permanent: a failing expression, a value JSON can't hold, a path that would leave
 *            `<data>/files/` (refused at validation and again at run time, symlinks included).
 * Delivery:  at least once: a crash between the write and the acknowledgement can repeat a line;
 *            with `envelope` each line carries the message id, so readers can drop repeats.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { defineSpec, type ConfigOf } from '../../spec';

/**
 * A relative path of plain segments: no leading `/`, no backslash, no empty segment, and no
 * segment starting with a dot (so no `.` or `..`, nor hidden files).
 */
export const FILE_PATH_PATTERN = '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$';

export const spec = defineSpec({
  type: 'file',
  category: 'sink',
  title: 'File',
  keywords: ['file', 'write', 'append', 'json lines', 'jsonl', 'ndjson', 'disk', 'export'],
  docs: [
    'Appends each message as one line of JSON to a file under `files/` in the data directory (`TRIBUTARY_DATA`).',
    '',
    '**Config**',
    '- `path`: relative to `<data>/files/`, e.g. `orders/2024.jsonl`; letters, digits, `-_.` and `/` between',
    '  segments. Absolute paths, `..`, hidden names and backslashes are refused; missing folders are created.',
    '- `value`: JSONata giving what to write, default `$` (the payload).',
    '- `envelope`: write `{ "id", "runId", "value" }` instead of the bare value (default off).',
    '',
    '**Ports**: `in` only.',
    '',
    '**Guarantees**: at least once — the line is appended before the message completes, and a crash in between',
    'can write it again. With `envelope`, each line carries its message id, so readers can drop repeats.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      path: Type.String({ title: 'Path', description: 'File under `<data>/files/`, e.g. `orders.jsonl`.', pattern: FILE_PATH_PATTERN, maxLength: 200 }),
      value: Expression({ title: 'Value', description: 'JSONata giving the value written as one JSON line.', default: '$' }),
      envelope: Type.Boolean({ title: 'Envelope', description: 'Write `{ id, runId, value }` so readers can drop repeated lines.', default: false }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
});

export type FileConfig = ConfigOf<typeof spec>;
