import type { NodesResponse, PipesResponse, RoomPlacement, RoomsResponse } from '@sfu-cluster/protocol';

// The console reads the admin API's response bodies as libs/protocol defines them.
export type {
  AdminNodeRecord as NodeRecord,
  NodePlacement,
  NodesResponse,
  PeerPlacement,
  PipeEntry,
  PipesResponse,
  RoomPlacement,
  RoomSummary,
  RoomsResponse,
} from '@sfu-cluster/protocol';

/** Everything one poll of the admin API returns. */
export interface ClusterSnapshot {
  nodes: NodesResponse;
  rooms: RoomsResponse;
  pipes: PipesResponse;
  /** The placement of the room the operator opened, if any. */
  room?: RoomPlacement;
}
