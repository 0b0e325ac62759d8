/** What every part of the API shares: problem+json answers and pages of a listing. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PROBLEM_CODES, type Problem } from '../../flows/problems';
import { FlowDocumentSchema } from '../../flows/schema';
import { Choice } from '../choice';

export const ProblemSchema = Type.Object({
  pointer: Type.String({ description: 'RFC 6901 pointer into what was sent; "" for the whole' }),
  message: Type.String(),
  code: Choice(PROBLEM_CODES),
  nodeId: Type.Optional(Type.String()),
  edgeId: Type.Optional(Type.String()),
});

/** An `application/problem+json` answer (RFC 9457) with the fields Tributary adds. */
export const ProblemDocumentSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String(),
  problems: Type.Optional(Type.Array(ProblemSchema)),
  currentRevision: Type.Optional(Type.Integer({ description: '409 on a stale save: the revision now saved' })),
  current: Type.Optional(FlowDocumentSchema),
  retryAfterSec: Type.Optional(Type.Integer({ description: '503: when to try again' })),
});
export type ProblemDocument = Static<typeof ProblemDocumentSchema>;

/** One page of a listing. */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    partial: Type.Optional(Type.Literal(true, { description: 'a filtered walk stopped at its bound: total is a lower bound' })),
  });
export interface PageOf<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
  partial?: true;
}

/** Compiles only when a schema's type and a type written elsewhere are the same: they can't drift. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Holds<T extends true> = T;
export type ProblemMatchesItsSchema = Holds<Same<Static<typeof ProblemSchema>, Problem>>;
