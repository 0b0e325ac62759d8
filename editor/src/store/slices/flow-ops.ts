/** Deploy, undeploy, import, trigger, rename, duplicate and delete: a whole flow on the server. */
import type { FlowDocument } from '../../../../flows/schema';
import { ApiError } from '../../api/http';
import { newFlowId } from '../../model/ids';
import type { FlowOpsSlice, SliceCreator } from '../types';
import { describeError } from './server';

export const createFlowOpsSlice: SliceCreator<FlowOpsSlice> = (set, get, init) => {
  const nameOf = (nodeId: string) => get().doc?.nodes.find((n) => n.id === nodeId)?.name ?? nodeId;

  /** Opens the most recently saved flow, or a new one when none is left. */
  const openLatest = async () => {
    const latest = [...get().flows].sort((a, b) => b.savedAt - a.savedAt)[0];
    if (latest) await get().openFlow(latest.id, { force: true });
    else get().newFlow({ force: true });
  };

  const restore = async (doc: FlowDocument) => {
    try {
      await init.api.createFlow(doc);
      await get().refreshFlows();
      get().say(`Restored "${doc.name}".`, 'success');
      await get().openFlow(doc.id);
    } catch (error) {
      get().say(`"${doc.name}" could not be restored: ${describeError(error)}`, 'error');
    }
  };

  return {
    async deploy() {
      if (!get().doc) return;
      if (get().revision === null || get().doc !== get().baseDoc) {
        if (!(await get().save({ then: 'deploy' }))) return;
      }
      const id = get().doc!.id;
      set({ busy: 'deploying' });
      try {
        const result = await init.api.deploy(id);
        set({ deployedRevision: result.revision });
        get().say(result.changed ? `Deployed revision ${result.revision}.` : `Revision ${result.revision} is already deployed.`, 'success');
        void get().refreshFlows();
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) {
          get().openDialog({ kind: 'deploy-problems', detail: error.message, problems: error.problems });
          get().say(`Not deployed: ${error.message}.`, 'error');
        } else {
          get().say(`Not deployed: ${describeError(error)}`, 'error');
        }
      } finally {
        set({ busy: null });
      }
    },

    async undeploy() {
      const id = get().doc?.id;
      if (!id) return;
      try {
        await init.api.undeploy(id);
        set({ deployedRevision: null });
        get().say('Undeployed: no new messages are taken in; what was in flight finishes.', 'success');
        void get().refreshFlows();
      } catch (error) {
        get().say(`Not undeployed: ${describeError(error)}`, 'error');
      }
    },

    async importDocument(doc, asCopy) {
      const body = asCopy ? { ...doc, name: `${doc.name} (copy)` } : doc;
      try {
        const [view] = await init.api.importFlows(body, asCopy ? 'copy' : 'fail');
        await get().refreshFlows();
        if (!view) return 'The server imported nothing.';
        get().say(`Imported "${view.doc.name}" as ${view.id}${view.problems.length > 0 ? `, a draft with ${view.problems.length} problem(s)` : ''}.`, 'success');
        await get().openFlow(view.id);
        return null;
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          return `A flow with the id "${doc.id}" already exists here. Tick "Import as a copy" to import it under a new id.`;
        }
        if (error instanceof ApiError && error.problems.length > 0) {
          return `${error.message}: ${error.problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`;
        }
        return `Not imported: ${describeError(error)}`;
      }
    },

    async trigger(nodeId, payload) {
      const { doc, deployedRevision } = get();
      if (!doc) return 'No flow is open.';
      try {
        const run = await init.api.trigger(doc.id, nodeId, payload);
        const stale = doc !== get().baseDoc || deployedRevision !== get().revision;
        get().say(
          `Run ${run.runId} started at "${nameOf(nodeId)}"${stale && deployedRevision !== null ? ` (on deployed revision ${deployedRevision}, not your latest changes)` : ''}.`,
          'success',
        );
        return null;
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) return 'This flow is not deployed. Deploy it first, then trigger a run.';
        if (error instanceof ApiError && error.status === 404) return `"${nameOf(nodeId)}" is not an inject node of the deployed revision. Deploy your changes first.`;
        return describeError(error);
      }
    },

    async renameFlow(name) {
      const doc = get().doc;
      if (!doc || name.trim() === '' || name === doc.name) return;
      get().updateFlow({ name: name.trim() });
      if (get().revision !== null) await get().save();
    },

    async duplicateFlow() {
      const doc = get().doc;
      if (!doc) return;
      const id = newFlowId(`${doc.id}-copy`, [...get().flows.map((f) => f.id), doc.id]);
      const copy: FlowDocument = { ...structuredClone(doc), id, name: `${doc.name} (copy)` };
      try {
        await init.api.createFlow(copy);
        await get().refreshFlows();
        const unsaved = doc !== get().baseDoc;
        await get().openFlow(id, { force: true });
        get().say(`Duplicated as "${copy.name}"${unsaved ? ' (with your unsaved changes; the original keeps its saved revision)' : ''}.`, 'success');
      } catch (error) {
        get().say(`Not duplicated: ${describeError(error)}`, 'error');
      }
    },

    async deleteFlow() {
      const { doc, baseDoc, revision } = get();
      if (!doc) return;
      if (revision !== null) {
        try {
          await init.api.deleteFlow(doc.id);
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) {
            get().say(`"${doc.name}" is deployed; undeploy it before deleting it.`, 'error', { label: 'Undeploy', run: () => void get().undeploy() });
          } else {
            get().say(`Not deleted: ${describeError(error)}`, 'error');
          }
          return;
        }
        await get().refreshFlows();
      }
      await openLatest();
      const saved = revision !== null ? baseDoc : null;
      get().say(`Deleted "${doc.name}".`, 'info', saved ? { label: 'Undo', run: () => void restore(saved) } : undefined);
    },
  };
};
