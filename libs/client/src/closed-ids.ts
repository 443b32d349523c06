/**
 * Ids of consumers and producers that the server reported closed, newest last.
 * A newConsumer can arrive after the consumerClosed or producerClosed that
 * ends it, because the two travel different paths (signaling and the SFU
 * node's events). The client checks this set so it does not keep a consumer
 * that will never carry media.
 */
export class ClosedIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    // A Set iterates in insertion order, so the first entry is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
