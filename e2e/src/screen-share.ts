import { pageStats, type Participant } from './browser';

/** Maximum time from the click on the share button to decoded screen frames in the viewer's screen tile. */
const SCREEN_TILE_MS = 10_000;
/** Maximum time the viewer may keep the screen tile after the share stopped. */
const SCREEN_GONE_MS = 5000;

/**
 * Starts a screen share with the sharer's share button, because
 * getDisplayMedia needs a user gesture. Checks that the viewer's page shows
 * the share in a tile of its own, apart from the camera, and that its
 * consumer has source 'screen' and decodes frames. Then stops the share and
 * checks that the tile goes away. Returns the failures and how long the
 * screen took to show.
 */
export async function checkScreenShare(sharer: Participant, viewer: Participant): Promise<{ failures: string[]; shownMs?: number }> {
  const clickedAt = Date.now();
  await sharer.page.locator('#toggle-screen').click();

  const display = await checkScreenShown(sharer, viewer, clickedAt);
  const stopFailures = await checkShareStops(sharer, viewer);
  return { failures: [...display.failures, ...stopFailures], shownMs: display.shownMs };
}

async function checkScreenShown(sharer: Participant, viewer: Participant, clickedAt: number): Promise<{ failures: string[]; shownMs?: number }> {
  try {
    await viewer.page.waitForSelector(`[data-screen-of="${sharer.peerId}"] video`, { state: 'attached', timeout: SCREEN_TILE_MS });
  } catch {
    const notices = await sharer.page.evaluate(() => document.querySelector('#notices')?.textContent ?? '');
    return { failures: [`${viewer.name} shows no screen tile of ${sharer.name} ${SCREEN_TILE_MS} ms after the share click; ${sharer.name}'s page shows "${notices.trim()}"`] };
  }

  const deadline = clickedAt + SCREEN_TILE_MS;
  let shownMs: number | undefined;
  while (Date.now() < deadline && shownMs === undefined) {
    const tracks = await pageStats(viewer.page);
    const screen = tracks.find((track) => track.direction === 'inbound' && track.peerId === sharer.peerId && track.source === 'screen');
    if ((screen?.framesDecoded ?? 0) > 0) shownMs = Date.now() - clickedAt;
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (shownMs === undefined) return { failures: [`${viewer.name} decoded no frame of ${sharer.name}'s screen within ${SCREEN_TILE_MS} ms`] };

  return { failures: await checkTilesApart(sharer, viewer), shownMs };
}

/** Checks that the screen plays in its own tile and the camera in the peer's tile, each from the consumer of its source. */
async function checkTilesApart(sharer: Participant, viewer: Participant): Promise<string[]> {
  const tracks = await pageStats(viewer.page);
  const consumerOf = (source: string) =>
    tracks.find((track) => track.direction === 'inbound' && track.peerId === sharer.peerId && track.kind === 'video' && track.source === source)?.id;
  const played = await viewer.page.evaluate((peerId) => {
    const consumers = (selector: string) => Array.from(document.querySelectorAll<HTMLVideoElement>(selector), (video) => video.dataset.consumerId);
    return { screen: consumers(`[data-screen-of="${peerId}"] video`), peer: consumers(`[data-peer-id="${peerId}"] video`) };
  }, sharer.peerId);

  const failures: string[] = [];
  if (played.screen.length !== 1 || played.screen[0] !== consumerOf('screen')) {
    failures.push(`${viewer.name}'s screen tile of ${sharer.name} plays ${played.screen.join(', ')}; expected the screen consumer ${consumerOf('screen')}`);
  }
  if (played.peer.length !== 1 || played.peer[0] !== consumerOf('camera')) {
    failures.push(`${viewer.name}'s tile of ${sharer.name} plays ${played.peer.join(', ')}; expected the camera consumer ${consumerOf('camera')} alone`);
  }
  return failures;
}

/** Stops the share with a second click, unless it never started, and checks that the viewer drops the tile. */
async function checkShareStops(sharer: Participant, viewer: Participant): Promise<string[]> {
  const sharing = await sharer.page.evaluate(() => document.querySelector('[data-screen-of="local"]') !== null);
  if (sharing) await sharer.page.locator('#toggle-screen').click();
  try {
    await viewer.page.waitForSelector(`[data-screen-of="${sharer.peerId}"]`, { state: 'detached', timeout: SCREEN_GONE_MS });
    return [];
  } catch {
    return [`${viewer.name} still shows ${sharer.name}'s screen tile ${SCREEN_GONE_MS} ms after the share stopped`];
  }
}
