/** Admin API paths, with each id percent-encoded so any room or node id stays one path segment. */

export function roomPath(roomId: string): string {
  return `/api/v1/admin/rooms/${encodeURIComponent(roomId)}`;
}

export function roomMovePath(roomId: string): string {
  return `${roomPath(roomId)}/move`;
}

export function nodeDrainPath(nodeId: string): string {
  return `/api/v1/admin/nodes/${encodeURIComponent(nodeId)}/drain`;
}
