/**
 * Response bodies of the signaling admin API (/api/v1/admin/*), shared by
 * the routes that send them, sfuctl and the operator console. The README's
 * "HTTP API" section documents every field.
 */

export interface AdminNodeRecord {
  id: string;
  pipeAddress: string;
  region: string;
  workers: number;
  capacity: { maxPeers: number; maxConsumers: number };
  load: {
    peers: number;
    producers: number;
    consumers: number;
    /** Bits per second. */
    bitrateIn: number;
    /** Bits per second. */
    bitrateOut: number;
    /** 0 to 1, averaged over the node's workers. */
    cpu: number;
    workerPeers: number[];
  };
  state: 'active' | 'draining';
  version: string;
  /** Milliseconds since the epoch. */
  updatedAt: number;
}

export interface NodesResponse {
  nodes: AdminNodeRecord[];
  /** Ids of nodes whose record expired and that recovery has not removed yet. */
  lost: string[];
}

export interface RoomSummary {
  roomId: string;
  state: string;
  epoch: number;
  createdAt: number | null;
  nodeIds: string[];
  participants: number;
  producers: number;
}

export interface RoomsResponse {
  rooms: RoomSummary[];
}

/** One direction of a pipe: what toNodeId receives from fromNodeId for one room. */
export interface PipeEntry {
  roomId: string;
  fromNodeId: string;
  toNodeId: string;
  /** Bits per second. */
  bitrate: number;
}

export interface PipesResponse {
  pipes: PipeEntry[];
  /** Nodes that did not describe their pipes in time. */
  unreachable: string[];
}

export interface PeerPlacement {
  peerId: string;
  identity: string | null;
  workerIndex: number;
  transports: number;
  producers: { producerId: string; kind: string; paused: boolean }[];
  consumers: number;
  /** Bits per second the node receives from the peer, from its last load sample; absent from nodes that predate it. */
  bitrateIn?: number;
  /** Bits per second the node sends to the peer. */
  bitrateOut?: number;
  /** The worst packet loss, 0 to 1, among the peer's producers; null before the node's first sample. */
  packetLoss?: number | null;
}

export interface NodePlacement {
  nodeId: string;
  reachable: boolean;
  /** Reason the node could not describe itself; present when reachable is false. */
  error?: string;
  routers: { workerIndex: number; routerId: string }[];
  peers: PeerPlacement[];
  pipedProducers: { producerId: string; originNodeId: string; peerId: string }[];
}

export interface AdminParticipant {
  peerId: string;
  identity: string;
  displayName?: string;
  joinedAt: number;
}

export interface PlacementCandidate {
  nodeId: string;
  region?: string;
  hostsRoom: boolean;
  peers?: number;
  consumers?: number;
  /** 0 (idle) to 1 (full). */
  score?: number;
  excluded?: string;
}

export interface PlacementDecision {
  at: number;
  roomId: string;
  rule: string;
  epoch: number;
  /** The nodes placement examined, not every node. */
  candidates: PlacementCandidate[];
  /** Active nodes when the decision was made; missing for moves and older decisions. */
  activeNodes?: number;
  nodeId?: string;
  workerIndex?: number;
  peerId?: string;
  region?: string;
  reason?: string;
}

export interface RoomPlacement {
  roomId: string;
  state: string;
  epoch: number;
  createdAt: number;
  nodes: NodePlacement[];
  participants: AdminParticipant[];
  producers: { producerId: string; peerId: string; nodeId: string; kind: string; paused: boolean }[];
  /** bitrate: bits per second the receiving node takes in over the pipe. */
  pipes: { fromNodeId: string; toNodeId: string; producerIds: string[]; bitrate?: number }[];
  decisions: PlacementDecision[];
}

export interface DrainResponse {
  nodeId: string;
  /** True when the node's rooms were also sent a move to other nodes. */
  migrate: boolean;
  state: string;
  rooms: number;
  peers: number;
}

export interface CancelDrainResponse {
  nodeId: string;
  state: string;
}

export interface MoveResponse {
  roomId: string;
  toNodeId: string;
  epoch: number;
  peers: number;
}
