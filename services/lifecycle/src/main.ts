import { createServer } from 'node:http';

import express from 'express';

import { loadLifecycleConfig, loadOrExit, redactUrl } from '@sfu-cluster/config';
import { openRoomQueue, queues, scheduleReconciliation } from '@sfu-cluster/jobs';
import { createLogger, moduleLogger } from '@sfu-cluster/logger';
import { createRedis, createRegistry, redisStatus, reportRedisErrors, waitForRedis } from '@sfu-cluster/registry';
import { RpcClient } from '@sfu-cluster/rpc';
import { closeServer, createProcessMetrics, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

import { LostNodeWatcher } from './rooms/lost-node-watcher';
import { startRoomWorker } from './rooms/room-worker';
import { startWebhookWorker } from './webhooks/worker';

async function main(): Promise<void> {
  const config = loadOrExit(loadLifecycleConfig, 'lifecycle');
  const nodeId = `lifecycle-${process.pid}`;
  const logger = createLogger({
    service: 'lifecycle',
    level: config.logLevel,
    format: config.logFormat,
    context: { nodeId },
  });

  // BullMQ's blocking commands must wait out a Redis restart, not fail.
  const redis = createRedis(config.redis, { connectionName: `lifecycle:${nodeId}`, maxRetriesPerRequest: null });
  reportRedisErrors(redis, 'queue', (message, fields) => logger.warn(message, fields));

  // Registry reads and RPC use their own connections: a blocked BullMQ
  // connection must not delay them.
  const registryRedis = createRedis(config.redis, { connectionName: `lifecycle:${nodeId}:registry` });
  registryRedis.on('error', () => undefined);
  const rpcSubscriber = registryRedis.duplicate({ connectionName: `lifecycle:${nodeId}:rpc` });
  rpcSubscriber.on('error', () => undefined);
  const registry = createRegistry(registryRedis, { prefix: config.redis.prefix });
  const rpc = new RpcClient({ publisher: registryRedis, subscriber: rpcSubscriber, prefix: config.redis.prefix, clientId: nodeId, logger });

  const roomQueue = openRoomQueue(redis, config.redis.prefix);
  const context = { registry, rpc, redis: registryRedis, queueRedis: redis, prefix: config.redis.prefix, logger };
  const app = express();
  const metrics = createProcessMetrics(app, { service: 'lifecycle', node: nodeId });
  const worker = startRoomWorker(context, redis.duplicate({ maxRetriesPerRequest: null }), roomQueue, metrics);
  const watcher = new LostNodeWatcher(registryRedis, registry, roomQueue, moduleLogger(logger, 'lost-nodes'), config.redis.prefix);

  const webhooks = startWebhookWorker({ redis, redisPrefix: config.redis.prefix, config: config.webhooks, logger });

  let started = false;
  app.use(
    healthRouter({
      health: () => ({ service: 'lifecycle', nodeId, redis: redisStatus(redis), queue: queues.rooms }),
      ready: () => {
        if (!started) return { ready: false, reason: 'starting: waiting for Redis' };
        return redisStatus(redis) === 'up' ? { ready: true } : { ready: false, reason: 'redis is not connected' };
      },
    }),
  );
  const server = createServer(app);
  await listen(server, config.host, config.port, logger);


  onShutdown(logger, [
    { name: 'http', run: () => closeServer(server) },
    { name: 'lost-node watcher', run: () => watcher.stop() },
    { name: 'room worker', run: () => worker.close() },
    { name: 'room queue', run: () => roomQueue.close() },
    { name: 'rpc', run: () => rpc.close() },
    { name: 'webhook worker', run: () => webhooks.close() },
    { name: 'redis', run: () => void (redis.disconnect(), registryRedis.disconnect(), rpcSubscriber.disconnect()) },
  ]);

  // The health route responds from here on; the rest waits until Redis is ready.
  await waitForRedis(registryRedis, redactUrl(config.redis.url), (message, fields) => logger.warn(message, fields));
  await rpc.start();
  await scheduleReconciliation(roomQueue, config.reconcileIntervalSeconds * 1000);
  watcher.start();
  started = true;
  logger.info('lifecycle worker started', { queue: queues.rooms });
}

runMain('lifecycle', main);
