import type { RtpEntry, RtpSample } from './rtp-counters';

/** The readings of one RTP stream, in sample order. */
export type StreamReadings = RtpEntry[];

/** Groups the samples' entries by stream (stats id), keeping each stream's first type and kind. */
export function streamsOf(samples: RtpSample[], type: RtpEntry['type']): Map<string, StreamReadings> {
  const streams = new Map<string, StreamReadings>();
  for (const sample of samples) {
    for (const entry of sample.entries) {
      if (entry.type !== type) continue;
      const readings = streams.get(entry.id) ?? [];
      readings.push(entry);
      streams.set(entry.id, readings);
    }
  }
  return streams;
}

/**
 * Maximum time between two decoded frames of a received video, in ms.
 * Between two samples that saw frames decoded, Chromium's inter-frame delay
 * sums (Σd and Σd², over those frames) bound the longest delay d_max:
 * Σd²/Σd ≤ d_max ≤ √Σd². Chromium takes these delays at decode time, so
 * they stay exact when the page's script runs late. With samples 200 ms
 * apart, one delay over 2 s brings both bounds close to it. A stream whose
 * last frame is older than its last sample adds that age too.
 */
export function longestFrameGap(readings: StreamReadings): { lowerMs: number; upperMs: number } {
  let lowerMs = 0;
  let upperMs = 0;

  for (let index = 1; index < readings.length; index++) {
    const before = (readings[index - 1] as RtpEntry).counters;
    const after = (readings[index] as RtpEntry).counters;
    if ((after.framesDecoded ?? 0) <= (before.framesDecoded ?? 0)) continue;

    const sum = (after.totalInterFrameDelay ?? 0) - (before.totalInterFrameDelay ?? 0);
    const squares = (after.totalSquaredInterFrameDelay ?? 0) - (before.totalSquaredInterFrameDelay ?? 0);
    if (sum > 0) lowerMs = Math.max(lowerMs, (1000 * squares) / sum);
    upperMs = Math.max(upperMs, 1000 * Math.sqrt(Math.max(0, squares)));
  }

  const trailing = sinceLastGrowth(readings, 'framesDecoded');
  return { lowerMs: Math.max(lowerMs, trailing), upperMs: Math.max(upperMs, trailing) };
}

/**
 * Maximum time between two samples that saw a counter grow, by the stats
 * timestamps, counting from the first sample and to the last. It is exact
 * only to about one sampling interval.
 */
export function longestGrowthGap(readings: StreamReadings, counter: string): number {
  const first = readings[0];
  if (first === undefined) return Number.POSITIVE_INFINITY;

  let longest = 0;
  let grewAt = first.timestamp;
  for (let index = 1; index < readings.length; index++) {
    const reading = readings[index] as RtpEntry;
    if ((reading.counters[counter] ?? 0) <= ((readings[index - 1] as RtpEntry).counters[counter] ?? 0)) continue;

    longest = Math.max(longest, reading.timestamp - grewAt);
    grewAt = reading.timestamp;
  }
  return Math.max(longest, sinceLastGrowth(readings, counter));
}

/** Maximum time between two consecutive readings: the resolution of longestGrowthGap. */
export function longestSampleInterval(readings: StreamReadings): number {
  let longest = 0;
  for (let index = 1; index < readings.length; index++) {
    longest = Math.max(longest, (readings[index] as RtpEntry).timestamp - (readings[index - 1] as RtpEntry).timestamp);
  }
  return longest;
}

/** Growth of each counter from a stream's first reading to its last; fractionLost keeps its last value, being a rate. */
export function countersDuring(readings: StreamReadings): Record<string, number> {
  const first = readings[0]?.counters ?? {};
  const last = readings.at(-1)?.counters ?? {};
  const during: Record<string, number> = {};
  for (const [name, value] of Object.entries(last)) during[name] = name === 'fractionLost' ? value : value - (first[name] ?? 0);
  return during;
}

/** Time from the last reading at which the counter grew to the stream's last reading. */
function sinceLastGrowth(readings: StreamReadings, counter: string): number {
  const last = readings.at(-1);
  if (last === undefined) return 0;

  let index = readings.length - 1;
  while (index > 0 && ((readings[index] as RtpEntry).counters[counter] ?? 0) <= ((readings[index - 1] as RtpEntry).counters[counter] ?? 0)) index--;
  return last.timestamp - (readings[index] as RtpEntry).timestamp;
}
