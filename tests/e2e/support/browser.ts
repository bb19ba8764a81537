/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core, with fake camera and microphone so getUserMedia works
 * headless and without prompts.
 */
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

/** Launches headless Chromium; extra `args` are appended to CHROMIUM_ARGS. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { args = [], ...rest } = options;
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    ...rest,
    args: [...CHROMIUM_ARGS, ...args],
  });
}
