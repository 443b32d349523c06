import { createServer } from 'node:http';

import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Server as SocketServer } from 'socket.io';

import { loadOrExit, loadSignalingConfig, redactUrl } from '@sfu-cluster/config';
import { openRoomQueue } from '@sfu-cluster/jobs';
import { createLogger } from '@sfu-cluster/logger';
import { createRedis, createRegistry, redisStatus, reportRedisErrors, waitForRedis, type Redis } from '@sfu-cluster/registry';
import { RpcClient } from '@sfu-cluster/rpc';
import { closeServer, createProcessMetrics, healthRouter, listen, onShutdown, runMain } from '@sfu-cluster/service';

import { TokenVerifier } from './auth';
import { adminRouter } from './http/admin';
import { adminCors } from './http/admin-cors';
import { mediaConfigRouter } from './http/media-config';
import { createSignalingMetrics } from './metrics';
import { NodeEventRelay } from './node-events';
import { Notifier } from './notifier';
import { RoomService } from './room-service';
import { WebhookReporter } from './webhook-reporter';
import { ConnectionHandler } from './socket/connection';

async function main(): Promise<void> {
  const config = loadOrExit(loadSignalingConfig, 'signaling');
  const nodeId = config.nodeId;
  const logger = createLogger({ service: 'signaling', level: config.logLevel, format: config.logFormat, context: { nodeId } });

  const redis = createRedis(config.redis, { connectionName: `signaling:${nodeId}` });
  const connection = (name: string): Redis => {
    const created = redis.duplicate({ connectionName: `signaling:${nodeId}:${name}` });
    created.on('error', () => undefined);
    return created;
  };
  reportRedisErrors(redis, 'main', (message, fields) => logger.warn(message, fields));
  const registry = createRegistry(redis, { prefix: config.redis.prefix });
  const rpc = new RpcClient({ publisher: redis, subscriber: connection('rpc'), prefix: config.redis.prefix, clientId: nodeId, logger });

  let started = false;
  const app = express();
  const server = createServer(app);
  const io = new SocketServer(server, {
    transports: ['websocket'],
    maxHttpBufferSize: config.limits.maxPayloadBytes,
    adapter: createAdapter(connection('adapter-pub'), connection('adapter-sub'), { key: `${config.redis.prefix}socket.io` }),
  });

  const verifier = new TokenVerifier(config);
  const notifier = new Notifier(io);
  // BullMQ needs a connection that waits out a Redis restart rather than failing commands.
  const queueConnection = createRedis(config.redis, { connectionName: `signaling:${nodeId}:queue`, maxRetriesPerRequest: null });
  queueConnection.on('error', () => undefined);
  const roomQueue = openRoomQueue(queueConnection, config.redis.prefix);
  const webhooks = new WebhookReporter(queueConnection, config.redis.prefix, logger);
  const rooms = new RoomService(config, registry, rpc, notifier, roomQueue, webhooks, logger);
  const metrics = createSignalingMetrics(createProcessMetrics(app, { service: 'signaling', node: nodeId }), () => io.engine.clientsCount);
  const connections = new ConnectionHandler(config, verifier, rooms, registry, logger, metrics);
  connections.attach(io);
  const onMediaLost = (peers: { roomId: string; peerId: string }[], nodeId: string, reason: string): void => {
    void connections.onMediaLost(io, peers, nodeId, reason);
  };
  const onRoomClosed = (roomId: string, reason: string): void => void connections.onRoomClosed(io, roomId, reason);
  const onRoomMove = (roomId: string, fromNodeId: string | undefined, reason: string): void =>
    void connections.onRoomMove(io, roomId, fromNodeId, reason);
  const relay = new NodeEventRelay(connection('node-events'), config.redis.prefix, notifier, onMediaLost, onRoomClosed, onRoomMove, logger);

  app.use(
    healthRouter({
      health: () => ({ service: 'signaling', nodeId, redis: redisStatus(redis), sockets: io.engine.clientsCount }),
      ready: () => {
        if (!started) return { ready: false, reason: 'starting: waiting for Redis subscriptions' };
        return redisStatus(redis) === 'up' ? { ready: true } : { ready: false, reason: 'redis is not connected' };
      },
    }),
  );
  app.use(mediaConfigRouter(config, verifier, () => routerCapabilities(registry, rpc)));
  app.use('/api/v1/admin', adminCors(config.consoleOrigins, config.mode === 'local'));
  app.use(adminRouter(registry, rpc, verifier, redis, config.redis.prefix));

  await listen(server, config.host, config.port, logger);


  onShutdown(logger, [
    { name: 'sockets', run: () => void io.close() },
    { name: 'http', run: () => closeServer(server) },
    { name: 'rpc', run: () => rpc.close() },
    { name: 'room queue', run: () => roomQueue.close() },
    { name: 'redis', run: () => void (redis.disconnect(), queueConnection.disconnect()) },
  ]);

  // The health route responds from here on; subscriptions wait until Redis is ready.
  await waitForRedis(redis, redactUrl(config.redis.url), (message, fields) => logger.warn(message, fields));
  await rpc.start();
  await relay.start();
  started = true;
  logger.info('signaling node started', { host: config.host, port: config.port });
}

let cachedCapabilities: unknown;

/** Router capabilities are the same on every node (one codec list), so any live node returns them, fetched once. */
async function routerCapabilities(registry: ReturnType<typeof createRegistry>, rpc: RpcClient): Promise<unknown> {
  if (cachedCapabilities !== undefined) return cachedCapabilities;

  for (const node of await registry.nodes.list()) {
    try {
      cachedCapabilities = await rpc.call(node.id, 'node.rtpCapabilities', {}, 2000);
      return cachedCapabilities;
    } catch {
      // Try the next node.
    }
  }
  return null;
}

runMain('signaling', main);
