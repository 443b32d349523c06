import { ErrorCode } from '@sfu-cluster/protocol';
import { RpcError } from '@sfu-cluster/rpc';

/** Errors the node returns to callers, each with a stable code. */
export const notFound = {
  room: (roomId: string) => new RpcError(ErrorCode.RoomNotFound, `room ${roomId} has no router on this node`, { roomId }),
  peer: (peerId: string) => new RpcError(ErrorCode.PeerNotFound, `peer ${peerId} is not on this node`, { peerId }),
  transport: (transportId: string) =>
    new RpcError(ErrorCode.TransportNotFound, `transport ${transportId} not found for this peer`, { transportId }),
  producer: (producerId: string) =>
    new RpcError(ErrorCode.ProducerNotFound, `producer ${producerId} not found in this room`, { producerId }),
  consumer: (consumerId: string) =>
    new RpcError(ErrorCode.ConsumerNotFound, `consumer ${consumerId} not found for this peer`, { consumerId }),
};

export function draining(nodeId: string): RpcError {
  return new RpcError(ErrorCode.NodeDraining, `node ${nodeId} is draining and takes no new peers; place the peer again`, {
    nodeId,
  });
}

export function invalidState(message: string): RpcError {
  return new RpcError(ErrorCode.InvalidState, message);
}
