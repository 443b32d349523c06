/** Exit statuses of sfuctl; scripts branch on these. */
export const ExitCode = {
  Ok: 0,
  /** The request failed: no response, an HTTP error other than the ones below, or a body that is not JSON. */
  RequestFailed: 1,
  Usage: 2,
  NotFound: 3,
  Unauthorized: 4,
} as const;

/** A command line that sfuctl cannot run: an unknown command or option, a missing or invalid value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failed request to the admin API, with the HTTP status and the API's error code when it sent one. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when the request got no response. */
    readonly status?: number,
    /** The API's stable error code, such as ROOM_NOT_FOUND. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get exitCode(): number {
    if (this.status === 404) return ExitCode.NotFound;
    if (this.status === 401 || this.status === 403) return ExitCode.Unauthorized;
    return ExitCode.RequestFailed;
  }
}
