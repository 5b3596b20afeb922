/**
 * The page, driven by a real Chromium: what a user gets when they click. Downloads are navigations
 * to one-minute signed links, so the browser itself follows each profile's real path (the app, nginx,
 * an S3 redirect); the saved bytes, the response's origin and the Deliverer's decision prove it.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Download, Page, Response } from 'playwright-core';
import type { DeliveryDecision } from '../src/files/observe-deliveries.js';
import { startApp, type RunningApp } from '../src/start-app.js';
import { launchChromium, type RunningBrowser } from './browser.js';
import { request, seededBytes, signIn, TEST_SECRET, upload } from './support.js';

const PDF = 'Résumé – naïve.pdf';
const TEXT = 'hello world.txt';
const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2'];

/** What each profile's policy picks for the seeded files, and how its responses reach the browser. */
const PROFILES = {
  dev: { strategy: 'directStream', rule: 'fallback' },
  nginx: { strategy: 'xAccel', rule: 'offload to nginx' },
  s3: { strategy: 's3Redirect', rule: 'redirect to S3' },
} as const;

type ProfileName = keyof typeof PROFILES;

interface PageApp {
  app: RunningApp;
  decisions: DeliveryDecision[];
  stop(): Promise<void>;
}

/** The example app in `profile` with a fresh data directory the web servers' workers can read. */
async function startPageApp(profile: ProfileName): Promise<PageApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sendoff-page-'));
  await chmod(dataDir, 0o755);
  const decisions: DeliveryDecision[] = [];
  try {
    const app = await startApp({
      port: 0,
      dataDir,
      profile,
      env: { SENDOFF_APP_SECRET: TEST_SECRET },
      log: () => undefined,
      onDelivery: (decision) => decisions.push(decision),
    });
    return {
      app,
      decisions,
      stop: async () => {
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function signInOnPage(page: Page, url: string, user: string, password = user): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The table row of the file named `name`, once the list shows it. */
async function rowOf(page: Page, name: string) {
  const row = page.locator('#files tr').filter({ has: page.locator('td.name', { hasText: name }) });
  await row.waitFor();
  return row;
}

/** The next response, in any tab, to a navigation to one of the app's signed links. */
function linkResponse(context: BrowserContext): Promise<Response> {
  return context.waitForEvent('response', (response) => new URL(response.url()).pathname.startsWith('/l/'));
}

async function bytesOf(download: Download): Promise<Buffer> {
  const file = await download.path();
  return readFile(file);
}

/** The count the page's split shows for `strategy` (0 when it is not listed). */
async function splitCount(page: Page, strategy: string): Promise<number> {
  await page.locator('#split li').first().waitFor();
  const item = page.locator(`#split li[data-strategy="${strategy}"]`);
  if ((await item.count()) === 0) return 0;
  const match = /: (\d+) deliver/.exec((await item.textContent()) ?? '');
  return Number(match?.[1] ?? Number.NaN);
}

/** The labels of the buttons in a row. */
async function actionsOf(page: Page, name: string): Promise<string[]> {
  return (await rowOf(page, name)).locator('button').allTextContents();
}

describe('example app: the page in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: RunningBrowser | undefined;
  const current = (): RunningBrowser => browser ?? expect.fail('Chromium did not start');

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.stop();
  });

  for (const [profile, expected] of Object.entries(PROFILES) as Array<[ProfileName, (typeof PROFILES)[ProfileName]]>) {
    describe(`${profile} profile`, () => {
      let started: PageApp | undefined;
      let page: Page;
      const app = (): PageApp => started ?? expect.fail('the app did not start');

      before(async () => {
        started = await startPageApp(profile);
      });
      after(async () => {
        await started?.stop();
      });
      beforeEach(async () => {
        app().decisions.length = 0;
        page = await current().context.newPage();
        await signInOnPage(page, app().app.url, 'alice');
      });
      afterEach(async () => {
        await page.close();
      });

      /** The path each profile delivers by: the app itself, nginx with no delivery header, or the bucket. */
      async function expectRealPath(link: Response, finalUrl: string): Promise<void> {
        const headers = await link.allHeaders();
        if (profile === 's3') {
          expect(link.status()).to.equal(302);
          expect(headers['location']).to.equal(finalUrl);
          expect(new URL(finalUrl).origin).to.not.equal(new URL(app().app.url).origin);
          expect(finalUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/sendoff-example\/u\/alice\/[0-9a-f-]{36}\?.*X-Amz-Signature=[0-9a-f]{64}/);
        } else {
          expect(link.status()).to.equal(200);
          expect(link.url()).to.equal(finalUrl);
          if (profile === 'nginx') expect(headers['server']).to.match(/^nginx/);
          else expect(headers['server']).to.equal(undefined);
          for (const header of DELIVERY_HEADERS) expect(headers, header).to.not.have.property(header);
        }
        expect(app().decisions.map(({ strategy, rule, method }) => ({ strategy, rule, method }))).to.deep.equal([
          { strategy: expected.strategy, rule: expected.rule, method: 'GET' },
        ]);
      }

      it(`downloads by navigation: the saved file is the seeded one, delivered by ${expected.strategy}, and the page says so`, async () => {
        const row = await rowOf(page, PDF);
        const [link, download] = await Promise.all([
          linkResponse(current().context),
          page.waitForEvent('download'),
          row.getByRole('button', { name: 'Download' }).click(),
        ]);
        expect(download.suggestedFilename()).to.equal(PDF);
        expect((await bytesOf(download)).equals(seededBytes(PDF))).to.equal(true);
        await expectRealPath(link, download.url());

        const delivery = page.locator('#deliveries li').first();
        expect(await delivery.locator('strong').textContent()).to.equal(PDF);
        expect(await delivery.locator('.strategy').textContent()).to.equal(expected.strategy);
        expect(await delivery.locator('.rule').textContent()).to.equal(expected.rule);
        expect(await delivery.locator('pre').textContent()).to.include(`=> ${expected.strategy} (${expected.rule})`);
        expect(await page.getByRole('status').textContent()).to.equal(`Downloading ${PDF} (${expected.strategy}).`);
      });

      it(`counts the download in the split between strategies, under ${expected.strategy}`, async () => {
        // A page link is the same URL when asked for twice in one second, and an S3 redirect may be
        // cached for the link's life: the browser would answer a second download of the previous
        // test's file itself, without asking the app. This test downloads a file no other test here does.
        const before = await splitCount(page, expected.strategy);
        const row = await rowOf(page, TEXT);
        await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download' }).click()]);
        // The count is taken when the delivery's events close, which may come just after the browser
        // has the response: ask again until it shows (at most 10 s).
        for (let tries = 0; tries < 40 && (await splitCount(page, expected.strategy)) !== before + 1; tries++) {
          await page.getByRole('button', { name: 'Update' }).click();
          await page.waitForTimeout(250);
        }
        expect(await splitCount(page, expected.strategy)).to.equal(before + 1);
      });

      it('opens a text file inline in a new tab through the same path', async () => {
        const row = await rowOf(page, TEXT);
        const [link, tab] = await Promise.all([linkResponse(current().context), current().context.waitForEvent('page'), row.getByRole('button', { name: 'Open' }).click()]);
        try {
          await tab.waitForLoadState();
          expect(await tab.locator('body').textContent()).to.equal(seededBytes(TEXT).toString('utf8'));
          expect(await tab.evaluate(() => window.opener)).to.equal(null);
          await expectRealPath(link, tab.url());
        } finally {
          await tab.close();
        }
      });
    });
  }

  describe('what each user may do, and how the page answers (dev profile)', () => {
    let started: PageApp | undefined;
    let page: Page;
    const app = (): PageApp => started ?? expect.fail('the app did not start');

    before(async () => {
      started = await startPageApp('dev');
    });
    after(async () => {
      await started?.stop();
    });
    beforeEach(async () => {
      page = await current().context.newPage();
    });
    afterEach(async () => {
      await page.close();
    });

    it('shows Share and Link only on files the user owns; a reader still downloads a shared file', async () => {
      await signInOnPage(page, app().app.url, 'bob');
      expect(await actionsOf(page, TEXT)).to.deep.equal(['Download', 'Open']);
      expect(await (await rowOf(page, TEXT)).locator('td.owner').textContent()).to.equal('alice');
      expect(await actionsOf(page, 'bob private notes.txt')).to.deep.equal(['Download', 'Open', 'Share', 'Link']);
      expect(await (await rowOf(page, 'bob private notes.txt')).locator('td.owner').textContent()).to.equal('you');

      const row = await rowOf(page, TEXT);
      const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download' }).click()]);
      expect((await bytesOf(download)).equals(seededBytes(TEXT))).to.equal(true);
    });

    it('the owner creates a shareable link and revokes it with its button: the link then answers 410', async () => {
      await signInOnPage(page, app().app.url, 'alice');
      const row = await rowOf(page, TEXT);
      await row.getByRole('button', { name: 'Link' }).click();
      const created = page.locator('#links li').first();
      await created.getByRole('button', { name: 'Revoke' }).waitFor();
      const url = (await created.locator('a').getAttribute('href')) ?? expect.fail('the link has no URL');
      const before = await request(url);
      expect(before.status).to.equal(200);
      expect(before.body.equals(seededBytes(TEXT))).to.equal(true);

      await created.getByRole('button', { name: 'Revoke' }).click();
      await created.locator('.state').waitFor();
      expect(await created.locator('.state').textContent()).to.equal('revoked');
      expect(await created.getAttribute('class')).to.equal('link revoked');
      expect(await page.getByRole('status').textContent()).to.equal(`Revoked the link to ${TEXT}.`);
      const after = await request(url);
      expect(after.status).to.equal(410);
      expect(after.json<{ error: { code: string } }>().error.code).to.equal('LINK_REVOKED');
    });

    it('shows an error as an alert in the error style and a success as a status in the success style', async () => {
      await signInOnPage(page, app().app.url, 'alice', 'not-her-password');
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'wrong user or password' }).waitFor();
      expect(await alert.textContent()).to.equal('wrong user or password');
      expect(await page.getByRole('status').textContent()).to.equal('');
      const errorStyle = await styleOf(page, '#problem');

      await page.getByLabel('Password').fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await rowOf(page, TEXT);
      expect(await page.getByRole('status').textContent()).to.equal('Signed in as alice.');
      expect(await alert.textContent()).to.equal('');
      const successStyle = await styleOf(page, '#notice');

      expect(errorStyle.className).to.include('error');
      expect(successStyle.className).to.include('ok');
      expect(errorStyle.display).to.not.equal('none');
      expect(successStyle.display).to.not.equal('none');
      expect(errorStyle.background).to.not.equal(successStyle.background);
      expect(errorStyle.color).to.not.equal(successStyle.color);
      expect(errorStyle.marker).to.not.equal(successStyle.marker);
    });

    it('wraps a long file name and a long type inside the table instead of widening the page', async () => {
      const alice = await signIn(app().app.url, 'alice');
      const name = `${'a-very-long-file-name-without-spaces_'.repeat(8)}.txt`;
      const contentType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
      expect((await upload(app().app.url, alice, { filename: name, contentType, bytes: Buffer.from('long') })).status).to.equal(201);
      await page.setViewportSize({ width: 480, height: 800 });
      await signInOnPage(page, app().app.url, 'alice');
      const row = await rowOf(page, name);
      expect(await row.locator('td.name').textContent()).to.equal(name);
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
        table: document.querySelector('table')!.getBoundingClientRect().right,
      }));
      expect(widths.page).to.be.at.most(widths.viewport);
      expect(widths.table).to.be.at.most(widths.viewport);
    });
  });
});

/** The computed look of a message line: its class, display, colours and the icon before it. */
function styleOf(page: Page, selector: string) {
  return page.locator(selector).evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      className: element.className,
      display: style.display,
      color: style.color,
      background: style.backgroundColor,
      marker: getComputedStyle(element, '::before').content,
    };
  });
}
