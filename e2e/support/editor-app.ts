/**
 * The e2e harness: per test, a real API server serving the built editor on a free loopback port,
 * over a real engine on the run's private Redis (fresh key prefix, temp data dir), and a fresh
 * Chromium page pointed at it. Fixture flows come from `flows/examples/` (see ./fixtures).
 */
import { afterEach, inject } from 'vitest';
import type { FlowDocument } from '../../flows/schema';
import { ATTACHMENTS } from '../../server/attachments';
import { startApiServer, type ApiServer } from '../../server/http-server';
import { useServers, type TestServer } from '../../test/server';
import { useBrowser, type TestBrowser } from './browser';
import { EditorPage } from './pages/editor-page';

export interface OpenOptions {
  /** Flows saved over the API before the page opens. */
  flows?: FlowDocument[];
  /** Open this flow (`/#/flows/<id>`); default: the editor's start screen. */
  open?: string;
  /** Start the server with this API token (the editor then asks for it). */
  token?: string;
}

export interface EditorApp extends TestBrowser {
  /** Starts a server, saves the flows, opens the editor; resolves once the page has loaded. */
  open(options?: OpenOptions): Promise<{ editor: EditorPage; server: TestServer }>;
  /** Stops `server`'s HTTP side (its engine keeps running); `start()` brings it back on the same port. */
  stopServer(server: TestServer): Promise<{ start(): Promise<void> }>;
}

export function useEditorApp(): EditorApp {
  const servers = useServers();
  const browser = useBrowser();
  const restarted: ApiServer[] = [];
  afterEach(async () => {
    await Promise.all(restarted.splice(0).map((s) => s.close()));
  });
  return {
    async stopServer(server) {
      const { port } = new URL(server.url);
      await server.server.close();
      return {
        async start() {
          restarted.push(await startApiServer(server.ctx, { host: '127.0.0.1', port: Number(port), editorDir: inject('editorDir') }, ATTACHMENTS));
        },
      };
    },
    get browser() {
      return browser.browser;
    },
    get context() {
      return browser.context;
    },
    get page() {
      return browser.page;
    },
    get pageErrors() {
      return browser.pageErrors;
    },
    async open(options: OpenOptions = {}) {
      // The live relay too, as `npm start` attaches it.
      const server = await servers.startServer({ editorDir: inject('editorDir'), attachments: ATTACHMENTS, ...(options.token && { token: options.token }) });
      const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
      for (const flow of options.flows ?? []) {
        const saved = await server.api('POST', '/api/flows', flow, auth);
        if (saved.status !== 201) throw new Error(`saving fixture flow ${flow.id} failed: ${saved.status} ${saved.text}`);
      }
      const editor = new EditorPage(browser.page, server.url);
      await editor.goto(options.open);
      return { editor, server };
    },
  };
}
