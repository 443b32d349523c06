import { join } from 'node:path';

import { Redis } from 'ioredis';
import { z } from 'zod';

import { createLogger } from '@sfu-cluster/logger';
import { RpcClient, RpcError, RpcServer } from '@sfu-cluster/rpc';
import { ManagedProcess, rejectionOf, startRedis, type RedisServer } from '@sfu-cluster/testkit';

const logger = createLogger({ service: 'test', level: 'error' });

const rejection = (promise: Promise<unknown>): Promise<RpcError> => rejectionOf(promise, RpcError);

describe('rpc over redis', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let server: RpcServer;
  let client: RpcClient;
  const prefix = `rpc-test-${process.pid}:`;
  const connections: Redis[] = [];

  function connection(): Redis {
    const created = new Redis(redisServer.url);
    connections.push(created);
    return created;
  }

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = connection();

    server = new RpcServer({ publisher: redis, subscriber: connection(), prefix, target: 'node-a', logger });
    server
      .method('add', z.object({ a: z.number(), b: z.number() }), ({ a, b }) => a + b)
      .method('fail', z.object({}), () => {
        throw new RpcError('ROUTER_NOT_FOUND', 'router r1 not found');
      })
      .method('crash', z.object({}), () => {
        throw new TypeError('boom');
      })
      .method('slow', z.object({ ms: z.number() }), async ({ ms }) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return 'done';
      });
    await server.start();

    client = new RpcClient({ publisher: redis, subscriber: connection(), prefix, clientId: 'test', logger });
    await client.start();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
    for (const created of connections) created.disconnect();
    await redisServer.stop();
  });

  test('call returns the result', async () => {
    await expect(client.call('node-a', 'add', { a: 2, b: 3 })).resolves.toBe(5);
  });

  test('concurrent calls each get their own reply', async () => {
    const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call('node-a', 'add', { a: i, b: 1 })));

    expect(sums).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  test.each([
    ['unknown method', 'nope', {}, 'METHOD_NOT_FOUND'],
    ['wrong type', 'add', { a: '2', b: 3 }, 'INVALID_PARAMS'],
    ['missing field', 'add', { a: 2 }, 'INVALID_PARAMS'],
    ['params not an object', 'add', 'x', 'INVALID_PARAMS'],
    ['handler error code', 'fail', {}, 'ROUTER_NOT_FOUND'],
    ['handler crash', 'crash', {}, 'INTERNAL'],
  ])('%s fails with its code', async (_name, method, params, code) => {
    const error = await rejection(client.call('node-a', method, params));

    expect(error.code).toBe(code);
  });

  test('invalid params name the field', async () => {
    const error = await rejection(client.call('node-a', 'add', { a: 2, b: 'x' }));

    expect(error.message).toMatch(/invalid b for add/);
  });

  test('server keeps serving after bad requests', async () => {
    await redis.publish(`${prefix}rpc:req:node-a`, 'not json');
    await redis.publish(`${prefix}rpc:req:node-a`, JSON.stringify({ method: 'add' }));

    await expect(client.call('node-a', 'add', { a: 1, b: 1 })).resolves.toBe(2);
  });

  test('slow handler times out at the deadline', async () => {
    const started = Date.now();

    const error = await rejection(client.call('node-a', 'slow', { ms: 1000 }, 300));

    expect(error.code).toBe('RPC_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error.message).toMatch(/no reply to slow from node-a within 300 ms/);
  });

  describe('against a separate process', () => {
    let node: ManagedProcess;

    beforeEach(async () => {
      node = new ManagedProcess({
        name: 'echo-node',
        command: process.execPath,
        args: [join(__dirname, 'fixtures', 'echo-node.js')],
        env: { ...process.env, REDIS_URL: redisServer.url, REDIS_PREFIX: prefix, TARGET: 'node-b' },
      });
      node.start();
      await node.waitForLine(/^ready$/, 10_000);
    });

    afterEach(async () => {
      node.kill('SIGCONT');
      await node.stop();
    });

    test('reaches the process', async () => {
      await expect(client.call('node-b', 'echo', { text: 'hi' })).resolves.toEqual({ text: 'hi', pid: node.pid });
    });

    test('killed node fails fast with NODE_UNREACHABLE', async () => {
      node.kill('SIGKILL');
      await node.waitForExit(5000);
      const started = Date.now();

      const error = await rejection(client.call('node-b', 'echo', { text: 'hi' }, 2000));

      expect(error.code).toBe('NODE_UNREACHABLE');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    test('hung node fails with RPC_TIMEOUT at the deadline', async () => {
      node.kill('SIGSTOP');
      const started = Date.now();

      const error = await rejection(client.call('node-b', 'echo', { text: 'hi' }, 500));

      expect(error.code).toBe('RPC_TIMEOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });
});
