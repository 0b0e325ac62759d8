/** The API token, kept for this browser session only (sessionStorage), never in the page's URL. */
const KEY = 'tributary.token';

export const tokenStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // storage refused (private mode quotas): the token then lasts until the page closes
    }
  },
};

export type TokenStore = typeof tokenStore;
