import type { Consumer, Producer, RtpCapabilities, Transport } from 'mediasoup/node/lib/types';

import { notFound } from './errors';

/**
 * A participant's media on this node: its transports on one worker's router,
 * and the producers and consumers on them. close() closes the transports,
 * which closes their producers and consumers.
 */
export class Peer {
  readonly transports = new Map<string, Transport>();
  readonly producers = new Map<string, Producer>();
  readonly consumers = new Map<string, Consumer>();
  /** The client's device capabilities, given with its receive transport. */
  rtpCapabilities?: RtpCapabilities;
  /** Where the server puts consumers it makes for this peer. */
  recvTransportId?: string;
  /** False for a token without the subscribe grant: no consumer is made for it. */
  canSubscribe = true;
  private closed = false;

  constructor(
    readonly id: string,
    readonly roomId: string,
    readonly workerIndex: number,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  addTransport(transport: Transport): void {
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => {
      this.transports.delete(transport.id);
      if (this.recvTransportId === transport.id) this.recvTransportId = undefined;
    });
  }

  addProducer(producer: Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
  }

  transport(transportId: string): Transport {
    const transport = this.transports.get(transportId);
    if (!transport) throw notFound.transport(transportId);
    return transport;
  }

  producer(producerId: string): Producer {
    const producer = this.producers.get(producerId);
    if (!producer) throw notFound.producer(producerId);
    return producer;
  }

  consumer(consumerId: string): Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw notFound.consumer(consumerId);
    return consumer;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;

    for (const transport of this.transports.values()) transport.close();
  }
}
