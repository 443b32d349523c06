import { KEYFRAME_RETRY_MS, LAYER_RESTORE_MS, spatialLayers, STALL_MS, StallDetector, type StallAction } from '../src/stall-watch';

/** Feeds readings 250 ms apart from t = 0 and returns each action other than 'none' with its time. */
function actions(readings: Array<[frames: number, bytes: number]>): Array<[number, StallAction]> {
  const detector = new StallDetector();
  const taken: Array<[number, StallAction]> = [];
  readings.forEach(([framesDecoded, bytesReceived], index) => {
    const at = index * 250;
    const action = detector.observe('consumer-1', { at, framesDecoded, bytesReceived });
    if (action !== 'none') taken.push([at, action]);
  });
  return taken;
}

describe('StallDetector', () => {
  test('decoding video: no action', () => {
    expect(actions([[1, 100], [5, 200], [9, 300], [13, 400]])).toEqual([]);
  });

  test('stall edge: keyframe at STALL_MS', () => {
    // The last frame is at 0; bytes rise at 250 and 500.
    expect(actions([[1, 100], [1, 200], [1, 300]])).toEqual([[STALL_MS, 'keyframe']]);
  });

  test('long stall: keyframe retried after KEYFRAME_RETRY_MS', () => {
    const stalled: Array<[number, number]> = Array.from({ length: 8 }, (_, index) => [1, 100 * (index + 1)]);

    expect(actions(stalled)).toEqual([
      [STALL_MS, 'keyframe'],
      [STALL_MS + KEYFRAME_RETRY_MS, 'keyframe'],
    ]);
  });

  test('decoded frame restarts the clock', () => {
    // Frames resume at 750: a new stall counts from there and reaches STALL_MS at 1250; the retry interval delays the request to 1500.
    expect(actions([[1, 100], [1, 200], [1, 300], [2, 400], [2, 500], [2, 600], [2, 700]])).toEqual([
      [STALL_MS, 'keyframe'],
      [STALL_MS + KEYFRAME_RETRY_MS, 'keyframe'],
    ]);
  });

  test('no bytes after frames: lower layers at STALL_MS', () => {
    expect(actions([[1, 100], [1, 100], [1, 100], [1, 100]])).toEqual([[STALL_MS, 'lowerLayers']]);
  });

  test('no bytes before any frame: no action', () => {
    expect(actions([[0, 0], [0, 0], [0, 0], [0, 0]])).toEqual([]);
  });

  test('restore edge: LAYER_RESTORE_MS after lowering', () => {
    // Lowered at 500; frames flow again from 750 on.
    const readings: Array<[number, number]> = [[1, 100], [1, 100], [1, 100]];
    for (let frame = 2; readings.length * 250 <= STALL_MS + LAYER_RESTORE_MS; frame += 1) readings.push([frame, 100 * frame]);

    expect(actions(readings)).toEqual([
      [STALL_MS, 'lowerLayers'],
      [STALL_MS + LAYER_RESTORE_MS, 'restoreLayers'],
    ]);
  });
});

describe('spatialLayers', () => {
  test.each([
    ['L3T3', 3],
    ['S2T1', 2],
    ['L1T3', 1],
    [undefined, 1],
  ])('%s has %i', (mode, layers) => {
    expect(spatialLayers(mode)).toBe(layers);
  });
});
