import { language, localize, setLanguage, t, type Language, type MessageKey } from '../i18n';
import { AdminApi, AdminApiError } from './admin-api';
import { confirmAction } from './confirm-dialog';
import { renderNodeMap } from './node-map';
import { ClusterPoller } from './poller';
import { renderRoomPanel } from './room-panel';
import { forgetSession, loadSession, saveSession, type ConsoleSession } from './session';
import type { ClusterSnapshot } from './types';

/** The console polls the admin API once a second, so a change shows within about 1 s plus one poll's duration. */
const POLL_INTERVAL_MS = 1000;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

let poller: ClusterPoller | undefined;
let api: AdminApi | undefined;
let snapshot: ClusterSnapshot | undefined;
let selectedRoomId: string | undefined;

applyLanguage(language());
byId('language').addEventListener('click', () => applyLanguage(language() === 'en' ? 'zh-CN' : 'en'));
window.addEventListener('resize', render);
wirePage();

const session = loadSession(new URLSearchParams(location.search));
byId<HTMLInputElement>('signaling-url').value = session.signalingUrl;
if (session.token) connect({ token: session.token, signalingUrl: session.signalingUrl });
// The token now sits in sessionStorage; keep it out of the address bar and the browser history.
history.replaceState(null, '', location.pathname);

function applyLanguage(next: Language): void {
  setLanguage(next);
  document.title = t('consoleTitle');
  render();
}

function connect(next: ConsoleSession): void {
  saveSession(next);
  poller?.stop();
  api = new AdminApi(next.signalingUrl.replace(/\/+$/, ''), next.token);
  poller = new ClusterPoller(api, POLL_INTERVAL_MS, onSnapshot, onPollError);
  poller.roomId = selectedRoomId;

  byId('login').hidden = true;
  byId('cluster').hidden = false;
  poller.start();
}

function onSnapshot(next: ClusterSnapshot): void {
  snapshot = next;
  // HH:MM:SS on the 24-hour clock reads the same in both languages, so a language switch needs no new time.
  localize(byId('update-status'), 'consoleUpdated', { time: new Date().toTimeString().slice(0, 8) });
  byId('update-status').classList.remove('failed');
  render();
}

function onPollError(error: AdminApiError): void {
  // A token signaling rejects will not start working: stop and ask for another.
  if (error.status === 401 || error.status === 403) {
    poller?.stop();
    byId('cluster').hidden = true;
    byId('login').hidden = false;
    localize(byId('login-error'), 'consoleRejected', { reason: error.message });
    return;
  }

  localize(byId('update-status'), 'consoleUpdateFailed', { reason: describeError(error) });
  byId('update-status').classList.add('failed');
}

function describeError(error: unknown): string {
  if (!(error instanceof AdminApiError)) return String(error);
  if (error.status === 0 && api) return t('consoleUnreachable', { url: api.signalingUrl, reason: error.message });
  return `${error.code}: ${error.message}`;
}

function render(): void {
  if (!snapshot) return;
  renderNodeMap(byId('map'), snapshot, selectedRoomId);
  renderRoomPanel(selectedRoomId, snapshot);
}

function openRoom(roomId: string | undefined): void {
  selectedRoomId = roomId;
  if (poller) poller.roomId = roomId;
  render();
  void poller?.refresh();
}

/** Asks for confirmation, runs the admin action, and shows its outcome; the map refreshes either way. */
async function act(question: MessageKey, params: Record<string, string>, action: () => Promise<unknown> | undefined): Promise<void> {
  const message = t(question, params);
  if (!(await confirmAction(message))) return;

  const outcome = byId('action-status');
  try {
    await action();
    outcome.classList.remove('failed');
    localize(outcome, 'actionAccepted', { action: message });
  } catch (error) {
    outcome.classList.add('failed');
    localize(outcome, 'actionFailed', { reason: describeError(error) });
  }
  await poller?.refresh();
}

function wirePage(): void {
  byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId<HTMLTextAreaElement>('admin-token').value.trim();
    const signalingUrl = byId<HTMLInputElement>('signaling-url').value.trim();
    if (!token) {
      localize(byId('login-error'), 'consoleNoToken');
      return;
    }
    byId('login-error').textContent = '';
    connect({ token, signalingUrl });
  });

  byId('forget-token').addEventListener('click', () => {
    forgetSession();
    location.href = location.pathname;
  });
  byId('room-close').addEventListener('click', () => openRoom(undefined));
  // The map is redrawn every poll, so its buttons are handled here by their data-action.
  byId('map').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('[data-action]');
    const nodeId = button?.dataset.nodeId ?? '';
    switch (button?.dataset.action) {
      case 'open-room':
        openRoom(button.dataset.roomId);
        break;
      case 'drain':
        void act('confirmDrain', { node: nodeId }, () => api?.drain(nodeId));
        break;
      case 'cancel-drain':
        void act('confirmCancelDrain', { node: nodeId }, () => api?.cancelDrain(nodeId));
        break;
    }
  });
  byId('move-room').addEventListener('click', () => {
    const roomId = selectedRoomId;
    const toNodeId = byId<HTMLSelectElement>('move-target').value;
    if (roomId === undefined || !toNodeId) return;
    void act('confirmMove', { room: roomId, node: toNodeId }, () => api?.moveRoom(roomId, toNodeId));
  });
}
