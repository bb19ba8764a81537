/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core, with fake camera and microphone so getUserMedia works
 * headless and without prompts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Where Chromium lives; CHROMIUM_PATH overrides Debian's default. */
export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags every e2e test uses: fake media devices, no GPU, no background traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // getDisplayMedia picks the whole screen without a chooser (screen-share tests).
  '--auto-select-desktop-capture-source=Entire screen',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Features switched off (chromium-features.json, shared with bench/join-time). Chromium keeps
 * only the last `--disable-features` of a command line, so ours carries playwright-core's own list
 * and replaces its switch (`ignoreDefaultArgs`); browser-flags.e2e checks that the browser gets
 * exactly one, with both lists. Ours: the omnibox popups, browser-window WebUI that a headless
 * test never sees. Each new context's window loads two of them in a renderer of its own, about
 * 1.7 s of CPU per context on these 2-core machines and 0.8 s more in the browser process.
 */
export const CHROMIUM_FEATURES = JSON.parse(readFileSync(path.join(__dirname, 'chromium-features.json'), 'utf8')) as {
  playwrightDisabled: string[];
  hearthDisabled: string[];
};
const PLAYWRIGHT_DISABLE_FEATURES = `--disable-features=${CHROMIUM_FEATURES.playwrightDisabled.join(',')}`;
const DISABLE_FEATURES = `--disable-features=${[...CHROMIUM_FEATURES.playwrightDisabled, ...CHROMIUM_FEATURES.hearthDisabled].join(',')}`;

/** Launches headless Chromium; extra `args` are appended to CHROMIUM_ARGS. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { args = [], ...rest } = options;
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    ignoreDefaultArgs: [PLAYWRIGHT_DISABLE_FEATURES],
    ...rest,
    args: [...CHROMIUM_ARGS, DISABLE_FEATURES, ...args],
  });
}
