import type { NodesResponse, PipesResponse, RoomPlacement, RoomsResponse } from './types';

/** An admin API call that failed: the HTTP status (0 without a response) and the API's error code and message. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the signaling admin API with an admin token. */
export class AdminApi {
  constructor(
    readonly signalingUrl: string,
    private readonly token: string,
  ) {}

  nodes(): Promise<NodesResponse> {
    return this.request('GET', '/nodes');
  }

  rooms(): Promise<RoomsResponse> {
    return this.request('GET', '/rooms');
  }

  pipes(): Promise<PipesResponse> {
    return this.request('GET', '/pipes');
  }

  room(roomId: string): Promise<RoomPlacement> {
    return this.request('GET', `/rooms/${encodeURIComponent(roomId)}`);
  }

  drain(nodeId: string): Promise<unknown> {
    return this.request('POST', `/nodes/${encodeURIComponent(nodeId)}/drain`, {});
  }

  cancelDrain(nodeId: string): Promise<unknown> {
    return this.request('DELETE', `/nodes/${encodeURIComponent(nodeId)}/drain`);
  }

  moveRoom(roomId: string, toNodeId: string): Promise<unknown> {
    return this.request('POST', `/rooms/${encodeURIComponent(roomId)}/move`, { toNodeId });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(`${this.signalingUrl}/api/v1/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new AdminApiError(0, 'UNREACHABLE', (error as Error).message);
    }

    const payload = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (!response.ok) {
      const code = payload?.error?.code ?? `HTTP_${response.status}`;
      throw new AdminApiError(response.status, code, payload?.error?.message ?? response.statusText);
    }
    return payload as T;
  }
}
