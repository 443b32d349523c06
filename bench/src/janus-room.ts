import { randomInt } from 'node:crypto';

import { WaitAborted, waitFor } from '@sfu-cluster/testkit';

import { JanusRequestError, type JanusServer } from './janus-server';
import type { PublisherTarget, WorkloadShape } from './workload';

/**
 * A remote publisher demultiplexes its one RTP port by SSRC: stream mindex
 * m is expected with SSRC 1000 + 10 * m (seen on Janus 1.1.2, which logs
 * "Invalid SSRC" below 1000). Each workload publisher has one stream.
 */
const FIRST_STREAM_SSRC = 1000;
/** The stream's mid for rtp_forward. Janus addresses a remote publisher's streams by their mindex as text, whatever mid they were added with. */
const FIRST_STREAM_MID = '0';
/** VideoRoom's "No such feed": a remote publisher is registered a moment after add_remote_publisher returns. */
const NO_SUCH_FEED = 428;
const FEED_TIMEOUT_MS = 5000;

interface RemotePublisher {
  id: number;
  port: number;
}

/**
 * Creates a VideoRoom room with one remote publisher (plain RTP in) per
 * workload publisher, and one rtp_forward (plain RTP out) per subscriber
 * and publisher. Returns where each publisher sends its RTP.
 */
export async function setUpJanusRoom(janus: JanusServer, shape: WorkloadShape, sinkPorts: number[]): Promise<PublisherTarget[]> {
  const room = randomInt(1, 2 ** 31);
  await janus.videoRoom({ request: 'create', room, publishers: shape.publishers, audiocodec: 'opus', videocodec: 'vp8' });

  const targets: PublisherTarget[] = [];
  for (let index = 0; index < shape.publishers; index++) {
    const publisher = await janus.videoRoom<RemotePublisher>({
      request: 'add_remote_publisher',
      room,
      display: `publisher-${index}`,
      iface: '127.0.0.1',
      streams: [{ type: shape.kind, mindex: 0, mid: FIRST_STREAM_MID, codec: shape.kind === 'audio' ? 'opus' : 'vp8' }],
    });
    for (const port of sinkPorts) await forwardToSink(janus, room, publisher.id, port);
    targets.push({ port: publisher.port, ssrc: FIRST_STREAM_SSRC });
  }
  return targets;
}

async function forwardToSink(janus: JanusServer, room: number, publisherId: number, port: number): Promise<void> {
  const request = {
    request: 'rtp_forward',
    room,
    publisher_id: publisherId,
    host: '127.0.0.1',
    host_family: 'ipv4',
    streams: [{ mid: FIRST_STREAM_MID, port }],
  };
  await waitFor(
    `Janus to forward publisher ${publisherId} to port ${port}`,
    async () => {
      try {
        return await janus.videoRoom(request);
      } catch (error) {
        if (error instanceof JanusRequestError && error.code === NO_SUCH_FEED) return undefined;
        throw new WaitAborted(error instanceof Error ? error.message : String(error));
      }
    },
    FEED_TIMEOUT_MS,
    100,
  );
}
