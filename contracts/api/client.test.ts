import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServersAfterEach } from '../../test/http-servers';
import { ApiError, ApiUnreachableError, createApi, createRequest } from './client';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

describe('when the shared API client talks to a server', () => {
  const track = closeServersAfterEach();
  const serve = async (handler: Handler) => {
    const server = track(
      http.createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => handler(req, res, body));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('sends JSON with the bearer token and the query, and parses the answer', async () => {
    const seen: Array<{ url?: string; auth?: string; type?: string; body: string }> = [];
    const server = await serve((req, res, body) => {
      seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      res.setHeader('content-type', 'application/json').end(JSON.stringify([{ id: 'f', revision: 1 }]));
    });
    const api = createApi(createRequest({ server, token: () => 'tok' }));
    expect(await api.importFlows([{ id: 'f' }], 'copy')).toEqual([{ id: 'f', revision: 1 }]);
    expect(seen).toEqual([{ url: '/api/flows/import?onConflict=copy', auth: 'Bearer tok', type: 'application/json', body: '[{"id":"f"}]' }]);
  });

  it('throws a problem+json answer as an ApiError with its status, detail and problems', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 422;
      res.setHeader('content-type', 'application/problem+json').end(JSON.stringify({ type: 'about:blank', title: 'Unprocessable flow', status: 422, detail: 'the flow has 1 problem(s)', problems: [{ pointer: '/nodes/0', code: 'config', message: 'bad' }] }));
    });
    const error = await createApi(createRequest({ server })).deploy('f').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, message: 'the flow has 1 problem(s)', request: 'POST /api/flows/f/deploy', problems: [{ pointer: '/nodes/0', message: 'bad' }] });
  });

  it("throws a proxy's HTML page as an ApiError saying its first line, and a non-JSON success too", async () => {
    const server = await serve((req, res) => {
      if (req.url === '/api/flows') res.setHeader('content-type', 'text/html').end('ok, but HTML');
      else {
        res.statusCode = 502;
        res.setHeader('content-type', 'text/html').end('<html>Bad gateway</html>\n<body>long</body>');
      }
    });
    const api = createApi(createRequest({ server }));
    await expect(api.getFlow('f')).rejects.toMatchObject({ status: 502, body: { title: 'Bad Gateway', detail: '<html>Bad gateway</html>' } });
    await expect(api.listFlows()).rejects.toMatchObject({ status: 200, message: /not JSON/ });
  });

  it('asks for a token on a 401 and sends the request again with the new one', async () => {
    const server = await serve((req, res) => {
      res.statusCode = req.headers.authorization === 'Bearer right' ? 200 : 401;
      res.end(res.statusCode === 200 ? '[]' : '{"title":"Unauthorized"}');
    });
    let token = 'wrong';
    const refused: Array<string | null> = [];
    const request = createRequest({ server, token: () => token, onUnauthorized: async (sent) => (refused.push(sent), (token = 'right'), true) });
    expect(await createApi(request).listCredentials()).toEqual([]);
    expect(refused).toEqual(['wrong']);
    await expect(createApi(createRequest({ server })).listCredentials()).rejects.toMatchObject({ status: 401 });
  });

  it('throws ApiUnreachableError when nothing answers', async () => {
    const server = await serve((_req, res) => res.end());
    const closedTo = server.replace(/:\d+$/, ':1');
    await expect(createApi(createRequest({ server: closedTo })).listFlows()).rejects.toBeInstanceOf(ApiUnreachableError);
  });
});
