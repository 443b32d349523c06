export type RegistryErrorCode = 'ROOM_NOT_FOUND' | 'STALE_EPOCH' | 'RESERVATION_NOT_FOUND' | 'NODE_NOT_FOUND';

/** A registry operation that failed for a reason the caller can act on; tests and callers match on code. */
export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Raised when a request carries an older epoch than the room's placement, because the room has moved since. */
export class StaleEpochError extends RegistryError {
  constructor(
    readonly roomId: string,
    readonly epoch: number,
    readonly currentEpoch: number,
  ) {
    super('STALE_EPOCH', `room ${roomId} is at epoch ${currentEpoch}, not ${epoch}; place the peer again to reach its current node`);
    this.name = 'StaleEpochError';
  }
}

export function roomNotFound(roomId: string): RegistryError {
  return new RegistryError('ROOM_NOT_FOUND', `room ${roomId} not found in the registry; place a peer to create it`);
}
