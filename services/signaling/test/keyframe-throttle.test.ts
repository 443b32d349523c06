import { KeyFrameThrottle } from '../src/socket/keyframe-throttle';

describe('KeyFrameThrottle', () => {
  test('interval edge: 999 ms refused, 1000 allowed', () => {
    const throttle = new KeyFrameThrottle(1000);

    expect(throttle.allow('consumer-1', 10_000)).toBe(true);
    expect(throttle.allow('consumer-1', 10_999)).toBe(false);
    expect(throttle.allow('consumer-1', 11_000)).toBe(true);
  });

  test('refused request keeps the schedule', () => {
    const throttle = new KeyFrameThrottle(1000);

    throttle.allow('consumer-1', 0);
    throttle.allow('consumer-1', 900);

    expect(throttle.allow('consumer-1', 1000)).toBe(true);
  });

  test('consumers spaced separately', () => {
    const throttle = new KeyFrameThrottle(1000);

    expect(throttle.allow('consumer-1', 0)).toBe(true);
    expect(throttle.allow('consumer-2', 1)).toBe(true);
  });

  test('zero interval allows all', () => {
    const throttle = new KeyFrameThrottle(0);

    expect(throttle.allow('consumer-1', 5)).toBe(true);
    expect(throttle.allow('consumer-1', 5)).toBe(true);
  });
});
