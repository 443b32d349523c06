// A bare mediasoup server for the cluster-tax benchmark: one process, one
// worker, one router, plain transports, and no Redis, RPC or registry.
// Run by cluster-tax.ts as: node bare-server.js CONFIG_JSON. It prints one
// JSON line with the publishers' targets once ready, and exits on SIGTERM
// or after maxSeconds.
import * as mediasoup from 'mediasoup';
import type { RtpCodecCapability, RtpParameters } from 'mediasoup/node/lib/types';

/** Settings that cluster-tax.ts passes as the only argument, in JSON. */
export interface BareServerConfig {
  kind: 'audio' | 'video';
  publishers: number;
  sinkPorts: number[];
  maxSeconds: number;
}

/** The Opus and VP8 entries of the SFU node's router codecs, with the same parameters. */
const MEDIA_CODECS: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

/** Builds the producer parameters that the SFU node gets from the benchmark over RPC. */
function producerParameters(kind: 'audio' | 'video', ssrc: number): RtpParameters {
  const codec =
    kind === 'audio'
      ? { mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 100 }
      : {
          mimeType: 'video/VP8',
          clockRate: 90000,
          payloadType: 101,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
        };
  return { codecs: [codec], encodings: [{ ssrc }] };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as BareServerConfig;
  const timer = setTimeout(() => process.exit(0), config.maxSeconds * 1000);
  timer.unref();

  // The SFU node's defaults: MEDIASOUP_LOG_LEVEL warn, one worker.
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const listenIp = { ip: '127.0.0.1' };

  const targets: { port: number; ssrc: number }[] = [];
  const producerIds: string[] = [];
  for (let index = 0; index < config.publishers; index++) {
    const transport = await router.createPlainTransport({ listenIp, comedia: true, rtcpMux: true });
    const ssrc = 10_000 + index;
    const producer = await transport.produce({ kind: config.kind, rtpParameters: producerParameters(config.kind, ssrc) });
    targets.push({ port: transport.tuple.localPort, ssrc });
    producerIds.push(producer.id);
  }

  for (const sinkPort of config.sinkPorts) {
    const transport = await router.createPlainTransport({ listenIp, comedia: false, rtcpMux: true });
    await transport.connect({ ip: '127.0.0.1', port: sinkPort });
    for (const producerId of producerIds) {
      await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: false });
    }
  }

  process.on('SIGTERM', () => {
    worker.close();
    process.exit(0);
  });
  process.stdout.write(`${JSON.stringify({ ready: true, targets })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bare server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
