/** Flow variables over the API (`$env('NAME')` in expressions); not secrets, so listings show values. */
import { Type, type Static } from '@sinclair/typebox';
import { VARIABLE_LIMITS } from '../../flows/variables';

export const VariableSchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
  source: Type.Union([Type.Literal('user'), Type.Literal('demo')], { description: '`demo`: a demo service URL `npm start` set' }),
  updatedAt: Type.Integer(),
});
export type VariableInfo = Static<typeof VariableSchema>;

export const VariableBody = Type.Object({ value: Type.String({ maxLength: VARIABLE_LIMITS.maxValueBytes }) }, { additionalProperties: false });
export const VariableStoredSchema = Type.Object({ name: Type.String(), value: Type.String() });
