export { startCluster, type ClusterOptions, type LocalCluster, type ClusterProcess, type SfuNodeProcess } from './cluster';
export { startRedis, type RedisServer, type RedisServerOptions } from './redis-server';
export { ManagedProcess, type ManagedProcessOptions, type ExitStatus } from './process';
export { freePort, isTcpPortFree, isUdpPortFree } from './ports';
export { waitFor, sleep } from './wait';
export { workerBin } from './worker-bin';
export { repoRoot, serviceEntry } from './paths';
export { startLocalCluster, type LocalClusterOptions } from './launcher';
export { buildRtpPacket, parseRtpPacket, type RtpPacketView, type RtpPacketOptions } from './rtp';
