/**
 * The one definition of "bound to loopback", which decides three things together: the API needs
 * no token (only this machine can connect, and Host/Origin are checked), the outbound-HTTP policy
 * allows loopback by default (local services are what people integrate first), and the example
 * flows are deployed on first start. Defined apart, they disagreed: `HOST=127.0.0.2` started
 * without a token but with an empty outbound allow-list.
 */

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether `host` (a name or address the server binds to, or a Host header's name) is loopback: localhost, 127.0.0.0/8, ::1. */
export const isLoopback = (host: string): boolean => LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** The outbound allow-list a loopback-bound server starts with when `TRIBUTARY_OUTBOUND_ALLOW` is unset. */
export const LOOPBACK_OUTBOUND_ALLOW: readonly string[] = ['127.0.0.0/8', '::1/128', 'localhost'];
