import { listDevices, Meeting, rateQuality, type ConnectionState, type MeetingOptions, type TrackStats } from '@sfu-cluster/client';

import { localize, type MessageKey } from './i18n';
import { fillDeviceChoice, type JoinRequest } from './lobby';
import { showNotice } from './notices';
import { VideoGrid } from './video-grid';

/** How often the quality badges are refreshed from getStats. */
const STATS_INTERVAL_MS = 2000;

const STATE_KEYS: Record<ConnectionState, MessageKey> = {
  connecting: 'stateConnecting',
  connected: 'stateConnected',
  reconnecting: 'stateReconnecting',
  disconnected: 'stateDisconnected',
  failed: 'stateFailed',
};

/** Handle the page exposes for browser tests: the client's ids and its per-track stats. */
export interface MeetingRoomHandle {
  readonly peerId?: string;
  readonly nodeId?: string;
  stats(): Promise<TrackStats[]>;
}

declare global {
  interface Window {
    meetingRoom?: MeetingRoomHandle;
  }
}

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Joins a meeting and runs the room view until the user leaves or the room closes. */
export async function enterRoom(signalingUrl: string, request: JoinRequest, options: MeetingOptions = {}): Promise<void> {
  const meeting = await Meeting.connect(signalingUrl, request.token, options);
  const grid = new VideoGrid(byId('grid'));
  wireMeeting(meeting, grid);

  try {
    await meeting.join({ displayName: request.name });
  } catch (error) {
    await meeting.leave();
    throw error;
  }

  grid.addPeer('local', 'you', request.name);
  for (const peer of meeting.peers.values()) grid.addPeer(peer.peerId, 'peerName', peer.displayName ?? peer.identity);
  byId('lobby').hidden = true;
  byId('room').hidden = false;

  await publishLocal(meeting, request);
  grid.showLocalVideo(meeting.localTrack('camera'));
  await wireControls(meeting, grid, request.name);

  const timer = setInterval(() => void refreshQuality(meeting, grid), STATS_INTERVAL_MS);
  meeting.on('connectionState', (state) => {
    if (state === 'disconnected') clearInterval(timer);
  });
  window.meetingRoom = {
    get peerId() {
      return meeting.peerId;
    },
    get nodeId() {
      return meeting.nodeId;
    },
    stats: () => meeting.stats(),
  };
}

/** Publishes the microphone and the camera (simulcast); a missing device is a notice, not a failed join. */
async function publishLocal(meeting: Meeting, request: JoinRequest): Promise<void> {
  try {
    await meeting.publishMicrophone({ deviceId: request.microphoneId });
    if (request.previewTrack) await meeting.publish('camera', request.previewTrack, true);
    else await meeting.publishCamera({ deviceId: request.cameraId, simulcast: true });
  } catch (error) {
    showNotice('mediaFailed', { reason: (error as Error).message }, true);
  }
}

function wireMeeting(meeting: Meeting, grid: VideoGrid): void {
  const state = byId('connection-state');
  const nameOf = (peerId: string): string => {
    const peer = meeting.peers.get(peerId);
    return peer?.displayName ?? peer?.identity ?? peerId;
  };

  meeting.on('connectionState', (next) => localize(state, STATE_KEYS[next]));
  // eslint-disable-next-line no-console -- the browser console is the page's log; these errors need no user action.
  meeting.on('error', (error) => console.warn('meeting error:', error.message));
  meeting.on('peerJoined', (peer) => {
    grid.addPeer(peer.peerId, 'peerName', nameOf(peer.peerId));
    showNotice('peerJoined', { name: nameOf(peer.peerId) });
  });
  meeting.on('peerLeft', ({ peerId, peer }) => {
    grid.removePeer(peerId);
    showNotice('peerLeft', { name: peer?.displayName ?? peer?.identity ?? peerId });
  });
  meeting.on('trackAdded', (track) => {
    grid.addPeer(track.peerId, 'peerName', nameOf(track.peerId));
    grid.attachTrack(track, nameOf(track.peerId));
  });
  meeting.on('trackRemoved', ({ consumerId }) => grid.detachTrack(consumerId));
  meeting.on('activeSpeaker', ({ peerId }) => grid.setActiveSpeaker(peerId === meeting.peerId ? 'local' : peerId));
  meeting.on('roomClosed', () => {
    grid.clear();
    showNotice('roomClosed', {}, true);
  });
}

async function wireControls(meeting: Meeting, grid: VideoGrid, localName: string): Promise<void> {
  const toggle = (id: string, source: 'microphone' | 'camera', onKey: MessageKey, offKey: MessageKey): void => {
    let muted = false;
    const button = byId<HTMLButtonElement>(id);
    button.addEventListener('click', () => {
      muted = !muted;
      localize(button, muted ? offKey : onKey);
      void meeting.setMuted(source, muted).catch((error: Error) => showNotice('mediaFailed', { reason: error.message }));
    });
  };
  toggle('toggle-mic', 'microphone', 'mute', 'unmute');
  toggle('toggle-camera', 'camera', 'cameraOff', 'cameraOn');

  wireScreenShare(meeting, grid, localName);

  const devices = await listDevices();
  const cameraChoice = byId<HTMLSelectElement>('camera-choice');
  const microphoneChoice = byId<HTMLSelectElement>('microphone-choice');
  fillDeviceChoice(cameraChoice, devices.cameras, meeting.localTrack('camera')?.getSettings().deviceId);
  fillDeviceChoice(microphoneChoice, devices.microphones, meeting.localTrack('microphone')?.getSettings().deviceId);
  cameraChoice.addEventListener('change', () => {
    meeting
      .publishCamera({ deviceId: cameraChoice.value || undefined, simulcast: true })
      .then((track) => grid.showLocalVideo(track))
      .catch((error: Error) => showNotice('mediaFailed', { reason: error.message }));
  });
  microphoneChoice.addEventListener('change', () => {
    meeting
      .publishMicrophone({ deviceId: microphoneChoice.value || undefined })
      .catch((error: Error) => showNotice('mediaFailed', { reason: error.message }));
  });

  byId('leave').addEventListener('click', () => {
    void meeting.leave().finally(() => {
      grid.clear();
      byId('room').hidden = true;
      showNotice('left', {}, true);
    });
  });
}

/**
 * Starts or stops a screen share on each click of the button, and shows
 * the share in a tile of its own. Stopping it from the browser's own control
 * ends the track. The SDK then unpublishes it and the tile goes with it.
 */
function wireScreenShare(meeting: Meeting, grid: VideoGrid, localName: string): void {
  const button = byId<HTMLButtonElement>('toggle-screen');
  const showStopped = (): void => {
    grid.removeScreen('local');
    localize(button, 'shareScreen');
  };

  button.addEventListener('click', () => {
    if (meeting.localTrack('screen') !== undefined) {
      showStopped();
      void meeting.unpublish('screen').catch((error: Error) => showNotice('mediaFailed', { reason: error.message }));
      return;
    }

    meeting
      .publishScreen()
      .then((track) => {
        grid.showScreen('local', localName, track);
        localize(button, 'stopShare');
        track.addEventListener('ended', showStopped);
      })
      .catch((error: Error) => showNotice('mediaFailed', { reason: error.message }));
  });
}

/** Rates each remote peer from its received tracks and the local tile from the sent ones. */
async function refreshQuality(meeting: Meeting, grid: VideoGrid): Promise<void> {
  const tracks = await meeting.stats();

  const byPeer = new Map<string, TrackStats[]>();
  for (const track of tracks) {
    const key = track.direction === 'outbound' ? 'local' : (track.peerId ?? '');
    byPeer.set(key, [...(byPeer.get(key) ?? []), track]);
  }
  for (const [peerId, peerTracks] of byPeer) grid.setQuality(peerId, rateQuality(peerTracks));
}
