/** What `npm start` attaches to its HTTP server besides the REST routes. */
import type { ServerAttachment } from './http-server';
import { liveTracing } from './live/relay';

export const ATTACHMENTS: ServerAttachment[] = [liveTracing()];
