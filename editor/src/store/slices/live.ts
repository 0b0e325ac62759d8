/**
 * The live canvas's state, its own slice keyed by node id — never React Flow's `node.data`, so a
 * batch re-renders only the nodes whose counts changed and React Flow measures nothing again.
 * Fed by live/live-session.ts at most once per animation frame.
 */
import type { NodeCounters } from '../../../../flows/live-events';
import { addCounters, seedNodes } from '../../live/node-live';
import type { LiveSlice, SliceCreator } from '../types';

const NO_NODES = new Map();

export const createLiveSlice: SliceCreator<LiveSlice> = (set, get) => ({
  liveFlowId: null,
  liveConnection: 'offline',
  liveNodes: NO_NODES,
  livePulses: NO_NODES,

  setLiveConnection(liveConnection) {
    if (get().liveConnection !== liveConnection) set({ liveConnection });
  },

  seedLive(flowId, counters: Record<string, Partial<NodeCounters>>) {
    set({ liveFlowId: flowId, liveNodes: seedNodes(counters) });
  },

  applyLive(flowId, added) {
    const s = get();
    if (s.liveFlowId !== flowId) return;
    const { nodes, emitted } = addCounters(s.liveNodes, added);
    if (nodes === s.liveNodes) return;
    let pulses = s.livePulses;
    if (emitted.length > 0) {
      const next = new Map(pulses);
      for (const id of emitted) next.set(id, (next.get(id) ?? 0) + 1);
      pulses = next;
    }
    set({ liveNodes: nodes, livePulses: pulses });
  },

  clearLive() {
    set({ liveFlowId: null, liveNodes: NO_NODES, livePulses: NO_NODES });
  },
});
