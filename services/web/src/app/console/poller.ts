import { AdminApiError, type AdminApi } from './admin-api';
import type { ClusterSnapshot, RoomPlacement } from './types';

/**
 * Polls the admin API: the nodes, rooms and pipes, plus the opened room's
 * placement, once per interval. A poll starts intervalMs after the previous
 * one started, or at once when the previous one took longer, so requests
 * never overlap.
 */
export class ClusterPoller {
  /** The room whose placement each poll also fetches. */
  roomId?: string;
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;
  private polling?: Promise<void>;

  constructor(
    private readonly api: AdminApi,
    private readonly intervalMs: number,
    private readonly onSnapshot: (snapshot: ClusterSnapshot) => void,
    private readonly onError: (error: AdminApiError) => void,
  ) {}

  start(): void {
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Polls now instead of at the next interval, after an action or a click on a room. */
  async refresh(): Promise<void> {
    await this.polling;
    clearTimeout(this.timer);
    await this.poll();
  }

  private poll(): Promise<void> {
    const startedAt = Date.now();
    this.polling = this.fetchSnapshot()
      .then(this.onSnapshot, (error: unknown) => this.onError(asApiError(error)))
      .finally(() => {
        this.polling = undefined;
        if (!this.running) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.poll(), Math.max(0, this.intervalMs - (Date.now() - startedAt)));
      });
    return this.polling;
  }

  private async fetchSnapshot(): Promise<ClusterSnapshot> {
    const roomId = this.roomId;
    const [nodes, rooms, pipes, room] = await Promise.all([this.api.nodes(), this.api.rooms(), this.api.pipes(), this.fetchRoom(roomId)]);
    return { nodes, rooms, pipes, room };
  }

  /** Fetches the room's placement; undefined when no room is open or the room is gone (404). */
  private async fetchRoom(roomId: string | undefined): Promise<RoomPlacement | undefined> {
    if (roomId === undefined) return undefined;
    try {
      return await this.api.room(roomId);
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) return undefined;
      throw error;
    }
  }
}

function asApiError(error: unknown): AdminApiError {
  return error instanceof AdminApiError ? error : new AdminApiError(0, 'CONSOLE_ERROR', String(error));
}
