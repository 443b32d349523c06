import type { MeetingPage } from './browser';

/** Chinese characters (CJK Unified Ideographs). */
const CJK = /[\u4e00-\u9fff]/;

/** Keys whose text is only a user-given name, the same in both languages. */
const NAME_ONLY_KEYS = new Set(['peerName']);

/** Texts of every visible element the page localizes, with their message keys. */
async function localizedTexts(page: MeetingPage): Promise<{ key: string; text: string }[]> {
  return page.$$eval('[data-i18n]', (elements) =>
    elements
      .filter((element) => (element as HTMLElement).offsetParent !== null || element.tagName === 'TITLE')
      .map((element) => ({ key: (element as HTMLElement).dataset.i18n ?? '', text: element.textContent ?? '' })),
  );
}

/**
 * Switches the page to Chinese and back with the language button and
 * returns what was wrong: an English string left while in Chinese, or a
 * Chinese one left after switching back.
 */
export async function checkLanguageSwitch(page: MeetingPage, screenshotPath: string): Promise<string[]> {
  const failures: string[] = [];
  const button = page.locator('#language');

  await button.click();
  if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') failures.push('html lang is not zh-CN after the switch');
  for (const { key, text } of await localizedTexts(page)) {
    // The switch button names the other language, so in Chinese it reads "English".
    if (key === 'language' || NAME_ONLY_KEYS.has(key)) continue;
    if (!CJK.test(text)) failures.push(`in Chinese, ${key} still reads "${text}"`);
  }
  if ((await button.textContent()) !== 'English') failures.push('the language button does not offer English');
  await page.screenshot({ path: screenshotPath, fullPage: true });

  await button.click();
  if ((await page.getAttribute('html', 'lang')) !== 'en') failures.push('html lang is not en after switching back');
  for (const { key, text } of await localizedTexts(page)) {
    if (key === 'language') continue;
    if (CJK.test(text)) failures.push(`back in English, ${key} still reads "${text}"`);
  }
  return failures;
}
