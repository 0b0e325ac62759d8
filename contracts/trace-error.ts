/** An error as traces, dead letters and the API show it: classified, never with a stack or a secret. */
import { Type, type Static } from '@sinclair/typebox';
import { Choice } from './choice';

/** `transient` errors are retried; `permanent` ones go to the onError policy at once. */
export const ERROR_KINDS = ['transient', 'permanent', 'timeout', 'stalled', 'circuit-open'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const TraceErrorSchema = Type.Object({
  message: Type.String(),
  kind: Choice(ERROR_KINDS, { description: 'transient and timeout errors are retried; the others go to the onError policy' }),
  code: Type.Optional(Type.String()),
});
export type TraceError = Static<typeof TraceErrorSchema>;
