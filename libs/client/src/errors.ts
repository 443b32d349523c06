/** An error response from signaling: `code` is stable, `message` is for a person. */
export class RequestError extends Error {
  constructor(
    readonly event: string,
    readonly code: string,
    message: string,
  ) {
    super(`${event} failed: ${message} (${code})`);
    this.name = 'RequestError';
  }
}

/** Thrown when a method needs a state the client is not in, for example publish before join. */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}
