/**
 * socket.io rooms a signaling node puts sockets in. With the Redis adapter
 * an emit to one of them reaches its sockets on every signaling node.
 */
export const socketRooms = {
  /** Every socket of the room's participants. */
  room: (roomId: string): string => `room:${roomId}`,
  /** The socket of one participant, wherever it is connected. */
  peer: (roomId: string, peerId: string): string => `peer:${roomId}:${peerId}`,
};
