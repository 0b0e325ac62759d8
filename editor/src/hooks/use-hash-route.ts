/**
 * The address bar names the open flow: `/#/flows/<id>` opens it (on load and when it changes),
 * and opening a flow updates it.
 */
import { useEffect } from 'react';
import { useEditorStore, useEditorStoreApi } from '../store/context';

const ROUTE = /^#\/flows\/(.+)$/;

export const flowIdFromHash = (hash: string): string | null => {
  const match = ROUTE.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
};

export function useHashRoute() {
  const store = useEditorStoreApi();
  const flowId = useEditorStore((s) => s.doc?.id ?? null);

  useEffect(() => {
    void store.getState().boot(flowIdFromHash(window.location.hash));
    const onHashChange = () => {
      const id = flowIdFromHash(window.location.hash);
      if (id && id !== store.getState().doc?.id) void store.getState().openFlow(id);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [store]);

  useEffect(() => {
    if (!flowId) return;
    const hash = `#/flows/${encodeURIComponent(flowId)}`;
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [flowId]);
}
