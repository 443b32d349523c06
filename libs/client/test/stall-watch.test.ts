import { KEYFRAME_RETRY_MS, STALL_MS, StallDetector } from '../src/stall-watch';

/** Feeds readings 250 ms apart from t = 0 and returns the times a keyframe request came out. */
function requestTimes(readings: Array<[frames: number, bytes: number]>): number[] {
  const detector = new StallDetector();
  const times: number[] = [];
  readings.forEach(([framesDecoded, bytesReceived], index) => {
    const at = index * 250;
    if (detector.observe('consumer-1', { at, framesDecoded, bytesReceived })) times.push(at);
  });
  return times;
}

describe('StallDetector', () => {
  test('decoding video: no request', () => {
    expect(requestTimes([[1, 100], [5, 200], [9, 300], [13, 400]])).toEqual([]);
  });

  test('stall edge: request at STALL_MS', () => {
    // The last frame is at 0; bytes rise at 250 and 500.
    expect(requestTimes([[1, 100], [1, 200], [1, 300]])).toEqual([STALL_MS]);
  });

  test('no bytes: no request', () => {
    expect(requestTimes([[1, 100], [1, 100], [1, 100], [1, 100]])).toEqual([]);
  });

  test('long stall: retried after KEYFRAME_RETRY_MS', () => {
    const stalled: Array<[number, number]> = Array.from({ length: 8 }, (_, index) => [1, 100 * (index + 1)]);

    expect(requestTimes(stalled)).toEqual([STALL_MS, STALL_MS + KEYFRAME_RETRY_MS]);
  });

  test('decoded frame restarts the clock', () => {
    // Frames resume at 750: a new stall counts from there and reaches STALL_MS at 1250; the retry interval delays the request to 1500.
    expect(requestTimes([[1, 100], [1, 200], [1, 300], [2, 400], [2, 500], [2, 600], [2, 700]])).toEqual([STALL_MS, STALL_MS + KEYFRAME_RETRY_MS]);
  });
});
