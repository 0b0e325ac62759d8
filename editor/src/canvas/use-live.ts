/**
 * Keeps the live session watching the open flow while it is saved on the server (a draft never
 * saved has no counters); one session per canvas, closed with it.
 */
import { useEffect, useRef } from 'react';
import { createHttp } from '../api/http';
import { tokenStore } from '../api/token';
import { startLiveSession, type LiveSession } from '../live/live-session';
import { useEditorStore, useEditorStoreApi } from '../store/context';

export function useLive(): void {
  const store = useEditorStoreApi();
  const flowId = useEditorStore((s) => (s.doc && s.revision !== null ? s.doc.id : null));
  const session = useRef<LiveSession | null>(null);

  useEffect(() => {
    const http = createHttp({ tokens: tokenStore, askForToken: (refused) => store.getState().askToken(refused) });
    const live = startLiveSession({ store, http, tokens: tokenStore });
    session.current = live;
    return () => {
      session.current = null;
      live.close();
    };
  }, [store]);

  useEffect(() => {
    session.current?.watch(flowId);
  }, [flowId]);
}
