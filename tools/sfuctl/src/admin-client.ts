import { ApiError } from './errors';

/** How long one request may take before sfuctl gives up on it. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The API's error body. */
interface ErrorBody {
  error?: { code?: string; message?: string };
}

/**
 * Requests to the admin HTTP API of one signaling node. Every method
 * resolves with the parsed JSON response body or rejects with an ApiError.
 */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl).toString();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(`${method} ${url} failed: ${describeFetchError(error)}; check that a signaling node listens there, or pass --url`);
    }

    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const failure = (parsed as ErrorBody | undefined)?.error;
      const code = failure?.code ?? `HTTP_${response.status}`;
      const detail = failure?.message ?? (text.trim().slice(0, 200) || response.statusText);
      throw new ApiError(`${method} ${path} failed with ${response.status} ${code}: ${detail}${hint(response.status)}`, response.status, failure?.code);
    }
    if (parsed === undefined) {
      throw new ApiError(`${method} ${path} returned ${response.status} with a body that is not JSON; check that --url points at a signaling node`, response.status);
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Returns the reason a fetch() failed: the system error code, such as ECONNREFUSED, when there is one. */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function hint(status: number): string {
  if (status === 401) return '; pass a valid admin token with --token or SFUCTL_TOKEN';
  if (status === 403) return '; the token needs the admin grant';
  return '';
}
