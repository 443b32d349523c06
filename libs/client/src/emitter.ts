type Listener = (...args: unknown[]) => void;

/** A minimal typed event emitter; a throwing listener does not stop the others. */
export class TypedEmitter<Events extends { [name: string]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  /** Adds a listener and returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as unknown as Listener;
    set.add(entry);
    return () => set.delete(entry);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        // Rethrown outside the loop, so the browser reports it and the other listeners still run.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
