/** The browser asks before leaving the page while there are unsaved changes. */
import { useEffect } from 'react';
import { useEditorStore } from '../store/context';
import { selectDirty } from '../store/selectors';

export function useUnsavedWarning() {
  const dirty = useEditorStore(selectDirty);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
