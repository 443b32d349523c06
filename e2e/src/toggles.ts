import { pageStats, type Participant } from './browser';
import { receivedFrom } from './media-checks';

/** Time allowed for a pause or resume to reach the other pages. */
const SETTLE_MS = 1500;
/** Window over which frames must stay flat (camera off) or grow (camera on). */
const WINDOW_MS = 1000;

async function framesFrom(participants: Participant[], peerId: string): Promise<number[]> {
  return Promise.all(participants.map(async (participant) => receivedFrom(await pageStats(participant.page), peerId).videoFrames));
}

/** Clicks the camera button, waits SETTLE_MS, and returns each other page's new frames from the owner over WINDOW_MS. */
async function clickAndCountFrames(owner: Participant, others: Participant[]): Promise<number[]> {
  await owner.page.locator('#toggle-camera').click();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const before = await framesFrom(others, owner.peerId);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = await framesFrom(others, owner.peerId);
  return after.map((frames, index) => frames - (before[index] ?? 0));
}

/**
 * Turns the owner's camera off with its button, checks that the other
 * participants decode no new frames from it, turns it on again and checks
 * that frames grow.
 */
export async function checkCameraToggle(owner: Participant, participants: Participant[]): Promise<string[]> {
  const others = participants.filter((participant) => participant !== owner);
  const failures: string[] = [];

  const whileOff = await clickAndCountFrames(owner, others);
  others.forEach((other, index) => {
    const frames = whileOff[index] ?? 0;
    if (frames > 0) failures.push(`${other.name} still decodes ${owner.name}'s camera after it was turned off: ${frames} frames in ${WINDOW_MS} ms`);
  });

  const whileOn = await clickAndCountFrames(owner, others);
  others.forEach((other, index) => {
    if ((whileOn[index] ?? 0) <= 0) failures.push(`${other.name} decodes no frames of ${owner.name}'s camera after it was turned on again`);
  });
  return failures;
}
