/**
 * The API's named schemas: the OpenAPI document lists each once under `components/schemas` and
 * refers to it by `$ref` wherever a route embeds it, so generated clients get one named type each.
 */
import type { TSchema } from '@sinclair/typebox';
import { FlowDocumentSchema } from '../../flows/schema';
import { CredentialBody, CredentialInfoSchema, CredentialStoredSchema } from './credentials';
import { ProblemDocumentSchema, ProblemSchema } from './common';
import { DeadLetterSchema, ReplayAllResultSchema, ReplayResultSchema } from './dead-letters';
import { DeploymentSchema } from './deployments';
import { DeployResultSchema, FlowBody, FlowSummarySchema, FlowViewSchema, ImportedFlowSchema } from './flows';
import { RunStartedSchema, RunSummarySchema, RunTraceSchema, TraceEventSchema, TriggerBody } from './runs';
import { HealthSchema, NodeTypeSpecSchema } from './system';
import { TraceErrorSchema } from '../trace-error';

export const API_COMPONENTS: Readonly<Record<string, TSchema>> = {
  FlowDocument: FlowDocumentSchema,
  FlowBody,
  FlowView: FlowViewSchema,
  ImportedFlow: ImportedFlowSchema,
  FlowSummary: FlowSummarySchema,
  DeployResult: DeployResultSchema,
  Problem: ProblemSchema,
  ProblemDocument: ProblemDocumentSchema,
  RunSummary: RunSummarySchema,
  RunTrace: RunTraceSchema,
  TraceEvent: TraceEventSchema,
  TraceError: TraceErrorSchema,
  TriggerBody,
  RunStarted: RunStartedSchema,
  DeadLetter: DeadLetterSchema,
  ReplayResult: ReplayResultSchema,
  ReplayAllResult: ReplayAllResultSchema,
  Deployment: DeploymentSchema,
  Credential: CredentialBody,
  CredentialInfo: CredentialInfoSchema,
  CredentialStored: CredentialStoredSchema,
  NodeTypeSpec: NodeTypeSpecSchema,
  Health: HealthSchema,
};
