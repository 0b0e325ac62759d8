/**
 * The shared API client (contracts/api/client.ts) with the editor's token handling: the token
 * lives in the session's {@link TokenStore}, and a 401 asks for it (once for every request waiting
 * on it) and sends the request again with the one given.
 */
import { ApiError, createRequest, type Request } from '../../../contracts/api';
import type { TokenStore } from './token';

export { ApiError };

export interface HttpOptions {
  tokens: TokenStore;
  /**
   * Called on a 401; resolves once a new token is stored. `refused` is true when the token just
   * sent was the one refused (so the prompt can say it was wrong).
   */
  askForToken(refused: boolean): Promise<void>;
  fetch?: typeof fetch;
}

export type Http = Request;

export function createHttp(options: HttpOptions): Http {
  return createRequest({
    token: () => options.tokens.get(),
    onUnauthorized: async (sent) => {
      // Another request may have stored a new token while this one was on its way.
      if (options.tokens.get() !== sent) return true;
      await options.askForToken(sent !== null);
      return true;
    },
    ...(options.fetch && { fetch: options.fetch }),
  });
}
