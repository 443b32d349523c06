/** One room of the trace: when it opens, how many peers join, how long it lasts (seconds). */
export interface RoomTrace {
  id: string;
  start: number;
  size: number;
  duration: number;
}

/** Deterministic PRNG (mulberry32), so a seed gives the same day every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Relative arrival rate at a second of the day: a night floor and a working-day peak at 14:00. */
export function dailyCurve(second: number): number {
  const hour = second / 3600;
  return 0.08 + Math.exp(-(((hour - 14) / 3.5) ** 2));
}

/**
 * Makes a day of rooms: arrivals follow the daily curve (rejection
 * sampling), sizes are lognormal (median 4 peers, a heavy tail up to
 * maxPeers), durations lognormal (median 30 min, at most 4 h).
 */
export function makeTrace(rooms: number, seed: number, maxPeers: number): RoomTrace[] {
  const next = random(seed);
  const trace: RoomTrace[] = [];

  while (trace.length < rooms) {
    const start = next() * 86_400;
    if (next() * 1.08 > dailyCurve(start)) continue;

    const size = Math.min(maxPeers, Math.max(2, Math.round(Math.exp(Math.log(4) + 0.85 * normal(next)))));
    const duration = Math.min(4 * 3600, Math.max(120, Math.exp(Math.log(1800) + 0.7 * normal(next))));
    trace.push({ id: `room-${trace.length}`, start, size, duration });
  }
  return trace.sort((a, b) => a.start - b.start);
}
