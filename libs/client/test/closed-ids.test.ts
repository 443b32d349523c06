import { ClosedIds } from '../src/closed-ids';

describe('ClosedIds', () => {
  test('remembers added ids', () => {
    const closed = new ClosedIds();
    closed.add('consumer-1');

    expect(closed.has('consumer-1')).toBe(true);
    expect(closed.has('consumer-2')).toBe(false);
  });

  test('forgets the oldest id past capacity', () => {
    const closed = new ClosedIds(2);
    closed.add('a');
    closed.add('b');
    closed.add('a');
    closed.add('c');

    // 'a' was added again after 'b', so 'b' is the oldest and goes first.
    expect(closed.has('b')).toBe(false);
    expect(closed.has('a')).toBe(true);
    expect(closed.has('c')).toBe(true);
  });
});
