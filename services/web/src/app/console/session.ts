/** Signaling of `npm start`, used when neither the address nor the session names one. */
const DEFAULT_SIGNALING_URL = 'http://127.0.0.1:3000';

const TOKEN_KEY = 'sfu-console-token';
const SIGNALING_KEY = 'sfu-console-signaling';

export interface ConsoleSession {
  token: string;
  signalingUrl: string;
}

/**
 * Reads the admin token and signaling URL: from ?token= and ?signaling= in
 * the address first, else from sessionStorage, so a reload keeps them and
 * closing the tab drops the token.
 */
export function loadSession(query: URLSearchParams): Partial<ConsoleSession> & { signalingUrl: string } {
  const token = query.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  const signalingUrl = query.get('signaling') ?? sessionStorage.getItem(SIGNALING_KEY) ?? DEFAULT_SIGNALING_URL;
  return { token: token || undefined, signalingUrl };
}

export function saveSession(session: ConsoleSession): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(SIGNALING_KEY, session.signalingUrl);
}

export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
