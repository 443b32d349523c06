import { sleep } from '@sfu-cluster/testkit';

import type { SessionRecord } from '../src/sessions';
import { startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;

beforeAll(async () => {
  harness = await startTestRegistry({ sessionTtlMs: 500 });
});

afterAll(async () => {
  await harness.stop();
});

function session(sessionId: string): SessionRecord {
  const now = Date.now();
  return { sessionId, roomId: 'room', peerId: 'peer', identity: 'alice', nodeId: 'a', createdAt: now, lastSeenAt: now };
}

describe('SessionRegistry', () => {
  test('session saved on one client resumes on another', async () => {
    const other = harness.connect().registry;

    const saved = session('s1');

    await harness.registry.sessions.save(saved);
    const resumed = await other.sessions.get('s1');

    expect(resumed).toEqual(saved);
  });

  test('touch() refreshes last seen and TTL', async () => {
    const { sessions } = harness.registry;
    await sessions.save(session('s2'));
    await sleep(300);

    const touched = await sessions.touch('s2', 12345);
    await sleep(300);

    expect(touched?.lastSeenAt).toBe(12345);
    expect((await sessions.get('s2'))?.lastSeenAt).toBe(12345);
  });

  test('session expires without touch()', async () => {
    const { sessions } = harness.registry;
    await sessions.save(session('s3'));

    await sleep(600);

    expect(await sessions.get('s3')).toBeUndefined();
    expect(await sessions.touch('s3')).toBeUndefined();
  });

  test('remove() deletes the session', async () => {
    const { sessions } = harness.registry;
    await sessions.save(session('s4'));

    await sessions.remove('s4');

    expect(await sessions.get('s4')).toBeUndefined();
  });
});
