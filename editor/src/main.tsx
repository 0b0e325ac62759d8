/** Entry point: one store (with the API client and its token prompt), React Flow's provider, the app. */
import '@xyflow/react/dist/style.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/side.css';
import './styles/panel.css';
import './styles/canvas.css';
import './styles/forms.css';
import './styles/dialogs.css';
import { ReactFlowProvider } from '@xyflow/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/api';
import { createHttp } from './api/http';
import { tokenStore } from './api/token';
import { App } from './App';
import { createEditorStore, type EditorStore } from './store/create-store';
import { EditorStoreProvider } from './store/context';

// The API asks the store for a token on 401; the store exists by the time any request is made.
let store: EditorStore | null = null;
const http = createHttp({ tokens: tokenStore, askForToken: (refused) => store!.getState().askToken(refused) });
store = createEditorStore({ api: createApi(http), tokens: tokenStore });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <EditorStoreProvider store={store}>
      <ReactFlowProvider>
        <App />
      </ReactFlowProvider>
    </EditorStoreProvider>
  </StrictMode>,
);
