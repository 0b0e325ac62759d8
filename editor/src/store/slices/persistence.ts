/** Opening, creating and saving flows, with revisions: a stale save is a conflict, never lost work. */
import { ApiError } from '../../api/http';
import { emptyFlow } from '../../model/doc-ops';
import { newFlowId, uniqueName } from '../../model/ids';
import type { PersistenceSlice, SliceCreator } from '../types';
import { describeError } from './server';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const createPersistenceSlice: SliceCreator<PersistenceSlice> = (set, get, init) => {
  const isDirty = () => get().doc !== get().baseDoc;
  /** Bumped whenever another document is asked for, so a slower earlier load can't replace it. */
  let navigation = 0;

  return {
    busy: null,

    async boot(flowId) {
      const ticket = navigation;
      await get().loadCatalogue();
      await Promise.all([get().refreshFlows(), get().refreshCredentials()]);
      // Someone already opened or started a flow while the lists were loading: leave it open.
      if (ticket !== navigation) return;
      if (flowId) return get().openFlow(flowId, { force: true });
      const latest = [...get().flows].sort((a, b) => b.savedAt - a.savedAt)[0];
      if (latest) return get().openFlow(latest.id, { force: true });
      get().newFlow({ force: true });
    },

    async openFlow(id, options = {}) {
      if (!options.force && get().doc && isDirty()) {
        get().openDialog({ kind: 'unsaved', flowId: id });
        return;
      }
      const ticket = ++navigation;
      set({ busy: 'loading' });
      try {
        const view = await init.api.getFlow(id);
        if (ticket !== navigation) return;
        get().loadDocument(view.doc, { revision: view.revision, deployedRevision: view.deployedRevision ?? null });
        get().setProblems(view.problems);
      } catch (error) {
        if (ticket !== navigation) return;
        const missing = error instanceof ApiError && error.status === 404;
        get().say(missing ? `There is no flow "${id}" on this server.` : `Flow "${id}" could not be opened: ${describeError(error)}`, 'error');
        if (!get().doc) get().newFlow({ force: true });
      } finally {
        set({ busy: null });
      }
    },

    newFlow(options = {}) {
      if (!options.force && get().doc && isDirty()) {
        get().openDialog({ kind: 'unsaved', flowId: null });
        return;
      }
      navigation++;
      const listed = get().flows;
      const name = uniqueName('Untitled flow', listed.map((f) => f.name));
      const id = newFlowId(name, listed.map((f) => f.id));
      get().loadDocument(emptyFlow(id, name), { revision: null, deployedRevision: null });
      get().setProblems([]);
    },

    async save(options = {}) {
      const { doc, revision } = get();
      if (!doc || get().busy === 'saving') return false;
      set({ busy: 'saving' });
      try {
        const view = revision === null ? await init.api.createFlow(doc) : await init.api.saveFlow(doc, options.overwrite ?? revision);
        set({ baseDoc: doc, revision: view.revision, deployedRevision: view.deployedRevision ?? null });
        const count = view.problems.length;
        get().say(
          count > 0 ? `Saved revision ${view.revision} as a draft with ${plural(count, 'problem')}; fix them to deploy.` : `Saved revision ${view.revision}.`,
          count > 0 ? 'info' : 'success',
        );
        void get().refreshFlows();
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 409 && revision !== null) {
          const current = error.body.current ?? null;
          get().openDialog({ kind: 'conflict', currentRevision: error.body.currentRevision ?? revision + 1, current, then: options.then ?? 'save' });
        } else if (error instanceof ApiError && error.status === 409) {
          get().say(`A flow with the id "${doc.id}" already exists. Duplicate this one, or open that flow from the list.`, 'error');
        } else {
          get().say(`Not saved: ${describeError(error)}`, 'error');
        }
        return false;
      } finally {
        set({ busy: null });
      }
    },

    async reloadFlow() {
      const id = get().doc?.id;
      if (id) await get().openFlow(id, { force: true });
    },
  };
};
