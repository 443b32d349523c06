import type { Server } from 'socket.io';

import { socketRooms } from './channels';

/** Sends notifications to participants, whichever signaling node holds their sockets. */
export class Notifier {
  constructor(private readonly io: Server) {}

  /** To every participant of a room, or all but one. */
  toRoom(roomId: string, event: string, data: unknown, exceptPeerId?: string): void {
    const target = this.io.to(socketRooms.room(roomId));
    if (exceptPeerId === undefined) target.emit(event, data);
    else target.except(socketRooms.peer(roomId, exceptPeerId)).emit(event, data);
  }

  toPeer(roomId: string, peerId: string, event: string, data: unknown): void {
    this.io.to(socketRooms.peer(roomId, peerId)).emit(event, data);
  }

  /**
   * To a peer's socket only if it is connected to this node. For events
   * every signaling node receives anyway (SFU node events), so each
   * delivers to its own sockets and none is delivered twice.
   */
  toLocalPeer(roomId: string, peerId: string, event: string, data: unknown): void {
    this.io.local.to(socketRooms.peer(roomId, peerId)).emit(event, data);
  }

  toLocalRoom(roomId: string, event: string, data: unknown): void {
    this.io.local.to(socketRooms.room(roomId)).emit(event, data);
  }
}
