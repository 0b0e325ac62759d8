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

  /** Shows the flow `view` will answer with, unless another was asked for meanwhile. */
  const open = async (id: string, view: Promise<Awaited<ReturnType<typeof init.api.getFlow>>>) => {
    const ticket = ++navigation;
    set({ busy: 'loading' });
    try {
      const answer = await view;
      if (ticket !== navigation) return;
      get().loadDocument(answer.doc, { revision: answer.revision, deployedRevision: answer.deployedRevision ?? null });
      get().setProblems(answer.problems);
    } catch (error) {
      if (ticket !== navigation) return;
      const missing = error instanceof ApiError && error.status === 404;
      get().say(missing ? `There is no flow "${id}" on this server.` : `Flow "${id}" could not be opened: ${describeError(error)}`, 'error');
      if (!get().doc) get().newFlow({ force: true });
    } finally {
      set({ busy: null });
    }
  };

  return {
    busy: null,

    async boot(flowId) {
      const ticket = navigation;
      // The flow the URL names is asked for at once, beside the catalogue: for a large flow it is
      // the slowest answer (the server validates it), so waiting for the lists first adds to it.
      const early = flowId ? init.api.getFlow(flowId) : null;
      early?.catch(() => undefined);
      await get().loadCatalogue();
      await Promise.all([get().refreshFlows(), get().refreshCredentials()]);
      // Someone already opened or started a flow while the lists were loading: leave it open.
      if (ticket !== navigation) return;
      if (flowId) return open(flowId, early ?? init.api.getFlow(flowId));
      const latest = [...get().flows].sort((a, b) => b.savedAt - a.savedAt)[0];
      if (latest) return get().openFlow(latest.id, { force: true });
      get().newFlow({ force: true });
    },

    async openFlow(id, options = {}) {
      if (!options.force && get().doc && isDirty()) {
        get().openDialog({ kind: 'unsaved', flowId: id });
        return;
      }
      return open(id, init.api.getFlow(id));
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
