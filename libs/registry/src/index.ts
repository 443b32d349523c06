export { createRedis, redisStatus, type Redis, type RedisClientOptions } from './redis';
