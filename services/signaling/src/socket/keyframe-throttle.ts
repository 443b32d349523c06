/**
 * Spaces one socket's keyframe requests per consumer. Each request makes the
 * sender encode a keyframe, many times the size of other frames, which on a
 * lossy uplink takes long to arrive. A new request before then only adds
 * more of them. It lives as long as its socket, which bounds the map by
 * the consumers one connection had.
 */
export class KeyFrameThrottle {
  private readonly lastAllowedAt = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  /** True when the consumer's last allowed request is at least intervalMs old, and records this one. */
  allow(consumerId: string, now = Date.now()): boolean {
    const last = this.lastAllowedAt.get(consumerId);
    if (last !== undefined && now - last < this.intervalMs) return false;

    this.lastAllowedAt.set(consumerId, now);
    return true;
  }
}
