/** What the server knows: the node catalogue, the saved flows and the stored credentials. */
import { catalogueOf } from '../../../../flows/catalogue';
import { ApiError } from '../../api/http';
import type { ServerSlice, SliceCreator } from '../types';

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createServerSlice: SliceCreator<ServerSlice> = (set, get, init) => ({
  specs: init.specs ?? [],
  catalogue: catalogueOf(init.specs ?? []),
  catalogueError: null,
  flows: [],
  credentials: null,

  async loadCatalogue() {
    try {
      const specs = await init.api.nodes();
      set({ specs, catalogue: catalogueOf(specs), catalogueError: null });
    } catch (error) {
      set({ catalogueError: `The node catalogue could not be loaded: ${describeError(error)}` });
    }
  },

  async refreshFlows() {
    try {
      set({ flows: await init.api.listFlows() });
    } catch (error) {
      get().say(`The flows could not be listed: ${describeError(error)}`, 'error');
    }
  },

  async refreshCredentials() {
    try {
      set({ credentials: await init.api.listCredentials() });
    } catch (error) {
      get().say(`The credentials could not be listed: ${describeError(error)}`, 'error');
    }
  },

  async saveCredential(name, body) {
    try {
      await init.api.putCredential(name, body);
      await get().refreshCredentials();
      get().say(`Credential "${name}" saved.`, 'success');
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.problems.length > 0) {
        return error.problems.map((p) => `${p.pointer.replace(/^\//, '') || 'credential'}: ${p.message}`).join('; ');
      }
      return describeError(error);
    }
  },

  async deleteCredential(name) {
    try {
      await init.api.deleteCredential(name);
      get().say(`Credential "${name}" deleted.`, 'success');
    } catch (error) {
      get().say(`Credential "${name}" could not be deleted: ${describeError(error)}`, 'error');
    }
    await get().refreshCredentials();
  },
});
