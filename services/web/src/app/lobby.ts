import { captureTrack, listDevices } from '@sfu-cluster/client';

import { element, videoOf } from './dom';
import { localize, t } from './i18n';

export interface JoinRequest {
  room: string;
  name: string;
  token: string;
  cameraId?: string;
  microphoneId?: string;
  /** The camera track of the preview, handed on so the room publishes it. */
  previewTrack?: MediaStreamTrack;
}

/** Fills a device select: the default entry first, then each device by label. */
export function fillDeviceChoice(select: HTMLSelectElement, devices: MediaDeviceInfo[], selectedId?: string): void {
  select.replaceChildren(localize(element('option'), 'defaultDevice'));
  (select.firstChild as HTMLOptionElement).value = '';

  devices.forEach((device, index) => {
    const option = element('option', '', [device.label || `${index + 1}`]);
    option.value = device.deviceId;
    option.selected = device.deviceId === selectedId;
    select.append(option);
  });
}

/** Reads the room claim of a JWT without checking the signature, only to prefill the form. */
function roomOfToken(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as { room?: unknown };
    return typeof payload.room === 'string' ? payload.room : '';
  } catch {
    return '';
  }
}

/**
 * Runs the lobby: prefills the form from the page address, shows the camera
 * preview and device choices, and calls onJoin on submit. A failed join
 * shows its reason and leaves the form ready for another try.
 */
export async function runLobby(query: URLSearchParams, onJoin: (request: JoinRequest) => Promise<void>): Promise<void> {
  const form = document.getElementById('join-form') as HTMLFormElement;
  const fields = form.elements as unknown as Record<'room' | 'name' | 'token' | 'camera' | 'microphone', HTMLInputElement & HTMLSelectElement>;
  const error = document.getElementById('form-error') as HTMLElement;
  const preview = document.getElementById('preview') as HTMLElement;

  fields.token.value = query.get('token') ?? '';
  fields.name.value = query.get('name') ?? '';
  fields.room.value = query.get('room') ?? roomOfToken(fields.token.value);
  fields.token.addEventListener('change', () => (fields.room.value ||= roomOfToken(fields.token.value)));

  let previewTrack: MediaStreamTrack | undefined;
  const button = document.getElementById('join') as HTMLButtonElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = fields.token.value.trim();
    if (!token) {
      localize(error, 'noToken');
      return;
    }

    error.textContent = '';
    button.disabled = true;
    localize(button, 'joining');
    const request: JoinRequest = {
      room: fields.room.value.trim(),
      name: fields.name.value.trim() || t('anonymous'),
      token,
      cameraId: fields.camera.value || undefined,
      microphoneId: fields.microphone.value || undefined,
      previewTrack,
    };
    onJoin(request)
      .then(() => preview.replaceChildren())
      .catch((reason: Error) => localize(error, 'joinFailed', { reason: reason.message }))
      .finally(() => {
        button.disabled = false;
        localize(button, 'join');
      });
  });

  const showPreview = async (deviceId?: string): Promise<void> => {
    previewTrack?.stop();
    preview.replaceChildren();
    try {
      previewTrack = await captureTrack('camera', { deviceId });
      preview.append(videoOf(previewTrack, true));
    } catch (reason) {
      previewTrack = undefined;
      preview.append(localize(element('p'), 'previewFailed', { reason: String(reason) }));
    }
  };

  await showPreview();
  const devices = await listDevices();
  fillDeviceChoice(fields.camera, devices.cameras);
  fillDeviceChoice(fields.microphone, devices.microphones);
  fields.camera.addEventListener('change', () => void showPreview(fields.camera.value || undefined));

  // index.html ships the button disabled: a click before this point would
  // submit the form natively (a page reload) or join without the preview track.
  button.disabled = false;
}
