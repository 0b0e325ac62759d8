/**
 * The outbound-HTTP client and the policy behind it. Server-only: it imports node:http, so the
 * editor bundle must never reach this module.
 */
export { createHttpClient, type HttpClientOptions, type OutboundHttpClient } from './client';
export type { HttpRequest, HttpResponse, JsonValue } from './messages';
export { HttpClientError, isTransientStatus, type HttpClientErrorKind } from './errors';
export {
  DEFAULT_OUTBOUND_POLICY,
  OutboundPolicyError,
  classifyAddress,
  createAddressPolicy,
  resolveOutboundPolicy,
  type AddressCategory,
  type AddressClass,
  type AddressPolicy,
  type AddressVerdict,
  type OutboundPolicy,
} from './address-policy';
export {
  AddressRefusedError,
  assertLiteralHostAllowed,
  createGuardedLookup,
  resolvePermitted,
  systemResolver,
  type Resolver,
} from './guarded-lookup';
