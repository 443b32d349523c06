import puppeteer, { type Browser, type Page } from 'puppeteer-core';

import type { MeetingPage, OpenedPage, SelectorState } from './browser';

/** Debian's firefox-esr package; puppeteer-core never downloads a browser. */
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/** Where every network service Firefox would call is pointed: the discard port on loopback, so nothing leaves the machine. */
const NOWHERE = 'http://127.0.0.1:9/';

/**
 * Preferences for a fresh profile. The first block gives a fake camera and
 * microphone without a permission prompt and lets ICE use loopback, which
 * Firefox leaves out of its candidates by default while the local cluster
 * announces media only on 127.0.0.1. The rest turns off every background
 * service that reaches the network, so the browser only talks to the test
 * cluster on 127.0.0.1. puppeteer-core's own profile defaults point a few of
 * them at dummy.test; these override those.
 */
const FIREFOX_PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Counts the fake devices as an active capture: without one, Firefox gathers only the default route's address, never loopback.
  'media.navigator.permission.fake': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // The grid plays remote audio in unmuted autoplay elements; Firefox blocks audible autoplay without a user gesture by default.
  'media.autoplay.default': 0,
  'intl.accept_languages': 'en-US',
  'intl.locale.requested': 'en-US',

  // Updates of the browser, add-ons, system add-ons, search engines and media plugins (OpenH264).
  'app.update.auto': false,
  'app.update.disabledForTesting': true,
  'app.update.url': NOWHERE,
  'extensions.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.systemAddon.update.url': NOWHERE,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.webservice.discoverURL': NOWHERE,
  'browser.search.update': false,
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-manager.url': NOWHERE,
  'media.gmp-gmpopenh264.autoupdate': false,
  'media.gmp-widevinecdm.autoupdate': false,

  // Telemetry and data reporting.
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': NOWHERE,
  'toolkit.telemetry.newProfilePing.enabled': false,
  'toolkit.telemetry.shutdownPingSender.enabled': false,
  'toolkit.telemetry.firstShutdownPing.enabled': false,
  'toolkit.telemetry.updatePing.enabled': false,
  'toolkit.telemetry.bhrPing.enabled': false,
  'toolkit.coverage.opt-out': true,
  'toolkit.coverage.endpoint.base': NOWHERE,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.healthreport.documentServerURI': NOWHERE,
  'datareporting.usage.uploadEnabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,

  // Captive portal and connectivity checks.
  'network.captive-portal-service.enabled': false,
  'captivedetect.canonicalURL': NOWHERE,
  'network.connectivity-service.enabled': false,

  // Safe browsing lists.
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.google4.gethashURL': '',
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google.gethashURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.provider.mozilla.gethashURL': '',

  // Remote settings (blocklists, certificate revocation lists, experiments) and Normandy studies.
  'services.settings.server': NOWHERE,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'security.OCSP.enabled': 0,
  'messaging-system.rsexperimentloader.enabled': false,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'app.shield.optoutstudies.enabled': false,

  // Web push.
  'dom.push.enabled': false,
  'dom.push.connection.enabled': false,
  'dom.push.serverURL': '',

  // Prefetching, DNS over HTTPS, region and location look-ups, accounts, content on the new tab page.
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
  'network.trr.mode': 5,
  'network.proxy.type': 0,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'geo.provider.network.url': '',
  'identity.fxaccounts.enabled': false,
  'browser.newtabpage.activity-stream.feeds.topsites': false,
  'browser.topsites.contile.enabled': false,
  'browser.urlbar.quicksuggest.enabled': false,
  'browser.translations.enable': false,
  'browser.discovery.enabled': false,
};

/** Launches headless firefox-esr over WebDriver BiDi with a fresh temporary profile that puppeteer deletes on close. */
export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    defaultViewport: { width: 1280, height: 800 },
    timeout: 30_000,
    // Release builds ignore services.settings.server unless this is set; without it Firefox looks up firefox.settings.services.mozilla.com.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
}

/** Opens a tab that reports its page errors and console errors as problems. */
export async function openFirefoxPage(browser: Browser): Promise<OpenedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return { page: new FirefoxMeetingPage(page), problems };
}

/** Time between two checks of a waitForFunction condition; the condition reads page state that changes no DOM. */
const POLL_MS = 50;
/** Playwright's default timeout for an action, kept so both browsers wait alike. */
const ACTION_TIMEOUT_MS = 30_000;

/** A puppeteer page seen through the playwright subset the scenarios use. */
class FirefoxMeetingPage implements MeetingPage {
  constructor(private readonly page: Page) {}

  async goto(url: string, options: { timeout: number }): Promise<unknown> {
    return this.page.goto(url, { timeout: options.timeout });
  }

  locator(selector: string): ReturnType<MeetingPage['locator']> {
    const page = this.page;
    return {
      click: async (options) => page.locator(selector).setTimeout(options?.timeout ?? ACTION_TIMEOUT_MS).click(),
      count: async () => (await page.$$(selector)).length,
      textContent: async () => page.$eval(selector, (element) => element.textContent),
      allTextContents: async () => page.$$eval(selector, (elements) => elements.map((element) => element.textContent ?? '')),
    };
  }

  async waitForSelector(selector: string, options: { state: SelectorState; timeout: number }): Promise<unknown> {
    if (options.state === 'visible' || options.state === 'hidden') {
      return this.page.waitForSelector(selector, { [options.state]: true, timeout: options.timeout });
    }

    // A mutation observer in the page detects the change at once, so a measured tile removal is not late by a polling interval.
    return this.page.waitForFunction(
      (target: string, attached: boolean) => (document.querySelector(target) !== null) === attached,
      { timeout: options.timeout, polling: 'mutation' },
      selector,
      options.state === 'attached',
    );
  }

  async waitForFunction<Arg>(condition: (arg: Arg) => unknown, arg: Arg, options: { timeout: number }): Promise<unknown> {
    return this.page.waitForFunction(condition as (arg: unknown) => unknown, { timeout: options.timeout, polling: POLL_MS }, arg);
  }

  async evaluate<Result, Arg>(fn: (arg: Arg) => Result | Promise<Result>, arg?: Arg): Promise<Result> {
    return (await this.page.evaluate(fn as (arg: unknown) => unknown, arg)) as Result;
  }

  async $$eval<Result>(selector: string, fn: (elements: Element[]) => Result): Promise<Result> {
    return (await this.page.$$eval(selector, fn as (elements: Element[]) => unknown)) as Result;
  }

  async getAttribute(selector: string, name: string): Promise<string | null> {
    return this.page.$eval(selector, (element, attribute) => element.getAttribute(attribute), name);
  }

  async screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown> {
    return this.page.screenshot({ path: options.path as `${string}.png`, fullPage: options.fullPage ?? false });
  }
}
