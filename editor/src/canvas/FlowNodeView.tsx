/**
 * One node on the canvas: category stripe, type, name, named ports with their handles (inputs
 * left, outputs right), a problem badge, and for inject nodes a trigger button. Memoised and
 * declared at module scope; everything it draws comes from its JSON-only `data`.
 */
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, useEffect, useRef, type CSSProperties } from 'react';
import { inputsOf, KIND_VIEWS, type EditorNodeData } from '../model/node-data';
import { useEditorStoreApi } from '../store/context';
import { LiveCounters } from './LiveCounters';

export type FlowRFNode = Node<EditorNodeData, 'tributary'>;

const cls = (...names: Array<string | false>) => names.filter(Boolean).join(' ');

/**
 * Tells React Flow to re-read a node's handles when its ports change (a switch gained a case).
 * Not on mount: React Flow measures a new node itself, in one batch for all nodes. Asking on
 * mount too costs, per node, a DOM query over the whole canvas, a forced layout in its own
 * animation frame and a dimensions change that re-renders the whole graph — one layout per node
 * (1,000 nodes took 43 s to show).
 */
function usePortsRemeasure(id: string, portsKey: string) {
  const updateInternals = useUpdateNodeInternals();
  const shown = useRef(portsKey);
  useEffect(() => {
    if (shown.current === portsKey) return;
    shown.current = portsKey;
    updateInternals(id);
  }, [id, portsKey, updateInternals]);
}

function FlowNodeViewImpl({ id, data, selected }: NodeProps<FlowRFNode>) {
  const store = useEditorStoreApi();
  const view = KIND_VIEWS[data.category];
  const inputs = inputsOf(data);
  const rows = Math.max(inputs.length, data.outputs.length);
  usePortsRemeasure(id, `${inputs.map((p) => p.name).join(',')}|${data.outputs.map((p) => p.name).join(',')}`);

  return (
    <div
      role="group"
      data-testid={`node-${id}`}
      aria-label={data.name}
      className={cls('tnode', selected && 'is-selected', data.problems > 0 && 'has-problems', data.disabled && 'is-disabled')}
      style={{ '--accent': view.accent } as CSSProperties}
    >
      <div className="tnode__head">
        <span className="tnode__glyph" aria-hidden="true">
          {view.glyph}
        </span>
        <span className="tnode__title">{data.title}</span>
        {!data.implemented && data.category !== 'unknown' && <span className="tnode__tag">planned</span>}
        {data.type === 'inject' && (
          <button
            type="button"
            className="tnode__trigger nodrag"
            aria-label={`Trigger a run at ${data.name}`}
            title="Trigger a run"
            onClick={() => store.getState().openDialog({ kind: 'trigger', nodeId: id })}
          >
            ▶
          </button>
        )}
      </div>
      <div className="tnode__name" title={data.name}>
        {data.name}
      </div>
      {rows > 0 && (
        <div className="tnode__ports">
          {Array.from({ length: rows }, (_, i) => {
            const input = inputs[i];
            const output = data.outputs[i];
            return (
              <div className="tnode__row" key={i}>
                {input && (
                  <>
                    <Handle type="target" position={Position.Left} id={input.name} data-testid={`handle-in-${id}-${input.name}`} />
                    <span className="tnode__port tnode__port--in">{input.label}</span>
                  </>
                )}
                {output && (
                  <>
                    <span className={cls('tnode__port tnode__port--out', output.name === 'error' && 'is-error')}>{output.label}</span>
                    <Handle type="source" position={Position.Right} id={output.name} data-testid={`handle-out-${id}-${output.name}`} />
                  </>
                )}
              </div>
            );
          })}
        </div>
      )}
      <LiveCounters id={id} />
      {data.problems > 0 && (
        <span className="tnode__badge" data-testid={`node-problem-${id}`} title={`${data.problems} problem${data.problems === 1 ? '' : 's'}`}>
          {data.problems}
          <span className="sr-only"> problem{data.problems === 1 ? '' : 's'}</span>
        </span>
      )}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewImpl);

/** React Flow's node types: declared once, at module scope, so React Flow never remounts nodes. */
export const NODE_TYPES = { tributary: FlowNodeView } satisfies NodeTypes;
