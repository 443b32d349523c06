/**
 * A token bucket per socket: eventsPerSecond tokens a second, holding at
 * most twice that, so a client may burst briefly but not sustain more.
 */
export class RateLimiter {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(private readonly eventsPerSecond: number) {
    this.tokens = this.capacity;
  }

  private get capacity(): number {
    return this.eventsPerSecond * 2;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now = Date.now()): boolean {
    const elapsed = (now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.eventsPerSecond);
    this.updatedAt = now;

    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
