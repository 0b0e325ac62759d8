/** What `npm start` attaches to its HTTP server besides the REST routes. */
import type { ServerAttachment } from './http-server';

export const ATTACHMENTS: ServerAttachment[] = [];
