// sfuctl reads the admin API's response bodies as libs/protocol defines them.
export type {
  CancelDrainResponse,
  DrainResponse,
  MoveResponse,
  NodePlacement,
  NodesResponse,
  PeerPlacement,
  PlacementCandidate,
  PlacementDecision,
  RoomPlacement,
  RoomsResponse,
} from '@sfu-cluster/protocol';
