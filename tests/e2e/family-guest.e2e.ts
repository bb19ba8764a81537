/**
 * A family session end to end (42 CFR Part 2): the therapist, in the demo's
 * family session room, invites Dana (Alex's sister); Alex approves on the
 * schedule page; the link appears for the therapist; Dana opens it in a fresh
 * browser context with no account, passes the pre-join (devices and consent,
 * no safety check), waits in the lobby, is admitted, and sees the therapist's
 * video. A second device opening the same link is told it was used.
 */
import type { Browser } from 'playwright-core';
import { apiLogin, DESKTOP, eventually, openJoinPage, remoteVideo, screenshot, signIn, type Person } from './room.support';
import { startHearth, type RunningHearth } from './support/app';
import { launchChromium } from './support/browser';

jest.setTimeout(240_000);

describe('a family member joins a family session as a guest', () => {
  let hearth: RunningHearth;
  let browser: Browser;
  let familyId: string;
  let therapist: Person;
  let alex: Person;

  beforeAll(async () => {
    hearth = await startHearth({}, 180_000); // a loaded machine starts slowly
    browser = await launchChromium();
    const { accessToken } = await apiLogin(hearth.url, 'patient1@hearth.test');
    const res = await fetch(`${hearth.url}/api/me/sessions`, { headers: { authorization: `Bearer ${accessToken}` } });
    const sessions = (await res.json()) as { id: string; kind: string; startsAt: string; endsAt: string }[];
    const now = Date.now();
    const family = sessions.find((s) => s.kind === 'family' && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
    if (!family) throw new Error(`no family session in progress: ${JSON.stringify(sessions)}`);
    familyId = family.id;
    [therapist, alex] = await Promise.all([
      signIn(browser, hearth.url, 'therapist@hearth.test', DESKTOP),
      signIn(browser, hearth.url, 'patient1@hearth.test', DESKTOP),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await hearth?.stop();
  });

  it('invite → consent on the schedule page → link → pre-join → lobby → admitted with video', async () => {
    // The therapist, in the family session's room, invites Dana.
    await openJoinPage(therapist.page, familyId);
    await eventually(() => therapist.page.getByTestId('enter-lobby').isEnabled(), Boolean, 'therapist devices');
    await therapist.page.getByTestId('enter-lobby').click();
    await therapist.page.getByTestId('room').waitFor();
    await therapist.page.getByTestId('invite-guest').click();
    await therapist.page.getByTestId('guest-name').fill('Dana <b>Rivera</b>');
    await therapist.page.getByTestId('guest-relationship').fill('sister');
    await therapist.page.getByTestId('guest-invite-submit').click();
    await therapist.page.locator('[data-testid="guest-invite"][data-status="awaiting_consent"]').waitFor();
    expect(await therapist.page.getByTestId('guest-invite-link').count()).toBe(0);

    // Alex sees the request on the schedule page and approves it.
    const request = alex.page.getByTestId('guest-consent');
    await request.waitFor({ timeout: 30_000 });
    expect(await request.getAttribute('data-guest-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await request.textContent()).toContain('Dana <b>Rivera</b>'); // markup shown as text
    await screenshot(alex.page, 'family-consent-request');
    await request.getByTestId('guest-consent-approve').click();
    await alex.page.getByTestId('guest-consent-answered').waitFor();

    // The link appears for the therapist.
    const link = therapist.page.getByTestId('guest-invite-link');
    await link.waitFor({ timeout: 30_000 });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/\/guest\//);

    // Dana, in a fresh context with no account, opens it.
    const danaContext = await browser.newContext({ viewport: DESKTOP });
    const dana = await danaContext.newPage();
    dana.setDefaultTimeout(30_000);
    await dana.goto(href!);
    await dana.getByTestId('device-check').waitFor();
    expect(await dana.getByTestId('safety-location').count()).toBe(0);
    await dana.getByTestId('consent-accept').check();
    await eventually(() => dana.getByTestId('enter-lobby').isEnabled(), Boolean, 'dana devices');
    await dana.getByTestId('enter-lobby').click();
    await dana.getByTestId('lobby-waiting').waitFor();
    // Said before Dana comes in: never shown to her.
    await therapist.page.getByTestId('chat-input').fill('Before Dana came');
    await therapist.page.getByTestId('chat-send').click();
    await therapist.page.locator('[data-testid="chat-message"]', { hasText: 'Before Dana came' }).waitFor();

    // The therapist admits her; she is in the room and sees the therapist.
    const admit = therapist.page.locator('[data-testid="admit-user"]');
    await admit.first().waitFor();
    expect(await therapist.page.getByTestId('lobby-list').textContent()).toContain('Dana <b>Rivera</b> (sister of Alex)');
    await admit.first().click();
    await dana.getByTestId('room').waitFor();
    await remoteVideo(dana, therapist.userId).waitFor({ state: 'attached' });
    await eventually(
      () => remoteVideo(dana, therapist.userId).evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames),
      (n) => n > 0,
      'dana sees the therapist',
      30_000,
    );
    await eventually(
      () => therapist.page.locator('[data-testid="participant-tile"]').allTextContents(),
      (texts) => texts.some((t) => t.includes('Dana <b>Rivera</b> (sister of Alex)')),
      'therapist sees Dana by name and relationship',
    );
    // The group chat, from now on: Dana writes to everyone (no private recipients), under her name as text.
    await dana.getByTestId('chat-input').fill('Hello from Dana');
    expect(await dana.getByTestId('chat-recipient').locator('option').allTextContents()).toEqual(['Everyone']);
    await dana.getByTestId('chat-send').click();
    const atTherapist = therapist.page.locator('[data-testid="chat-message"]', { hasText: 'Hello from Dana' });
    await atTherapist.waitFor();
    expect(await atTherapist.textContent()).toContain('Dana <b>Rivera</b> (sister of Alex)');
    await therapist.page.getByTestId('chat-input').fill('Welcome, Dana');
    await therapist.page.getByTestId('chat-send').click();
    await dana.locator('[data-testid="chat-message"]', { hasText: 'Welcome, Dana' }).waitFor();
    expect(await dana.locator('[data-testid="chat-message"]', { hasText: 'Before Dana came' }).count()).toBe(0);
    // No other group tools, no schedule for a guest.
    expect(await dana.getByTestId('raise-hand').count()).toBe(0);
    expect(await dana.getByTestId('crisis-button').count()).toBe(0);
    await screenshot(dana, 'family-guest-in-room');
    await screenshot(therapist.page, 'family-therapist-room');

    // The link was single-use: another device is told so, and whom to contact.
    const other = await browser.newContext({ viewport: DESKTOP });
    const otherPage = await other.newPage();
    await otherPage.goto(href!);
    const refused = otherPage.getByTestId('guest-link-error');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-code')).toBe('guest_link_used');
    expect(await refused.textContent()).toContain('Maya Ellison');
    await screenshot(otherPage, 'family-link-used');
    await other.close();
    await danaContext.close();
  });
});
