// Browser tests of the seed scenario page and the catalogue, in Debian's
// headless Chromium driven by playwright-core (which never downloads a browser).
//
// Run: cargo build && (cd tests/browser && npm ci && npm test)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SEED = '/scenarios/gitops-drift-causing-outage';
const SCREENSHOT = '/tmp/seed-revealed.png';
const TIMEOUT_MS = 5_000; // per Playwright action / wait

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 15_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A fresh context and page, with everything that went wrong on it recorded:
 * console errors, uncaught exceptions, failed requests and responses >= 400
 * from the portal's own origin.
 */
async function openPage() {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(10_000);
  const page = await context.newPage();
  const origin = new URL(server.baseUrl).origin;
  const problems = [];

  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.stack || err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && new URL(res.url()).origin === origin) {
      problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    }
  });

  return { context, page, problems };
}

/**
 * Requests every same-origin stylesheet, icon, script and image the page
 * references and records those that do not answer 2xx. Chromium remembers a
 * failed favicon for the whole browser, so a later context would not fetch it
 * again: this keeps each test's verdict independent of the order they run in.
 */
async function checkReferencedAssets(page, problems) {
  const origin = new URL(server.baseUrl).origin;
  const urls = await page.evaluate(() => [
    ...[...document.querySelectorAll('link[href]')].map((el) => el.href),
    ...[...document.querySelectorAll('script[src], img[src]')].map((el) => el.src),
  ]);
  for (const url of new Set(urls)) {
    if (new URL(url).origin !== origin) continue;
    const res = await page.request.get(url);
    if (!res.ok()) problems.push(`HTTP ${res.status()}: GET ${url}`);
  }
}

function assertNoProblems(problems, where) {
  problems = [...new Set(problems)];
  assert.deepEqual(
    problems,
    [],
    `${where}: ${problems.length} browser problem(s):\n  ${problems.join('\n  ')}`,
  );
}

/** Waits until the locator (which must match exactly one element) is visible. */
async function assertVisible(locator, what) {
  try {
    await locator.waitFor({ state: 'visible' });
  } catch (err) {
    assert.fail(`expected ${what} to be visible (${locator}): ${err.message.split('\n')[0]}`);
  }
}

async function assertHidden(locator, what) {
  assert.equal(await locator.count(), 1, `expected exactly one element for ${what} (${locator})`);
  assert.equal(await locator.isVisible(), false, `expected ${what} to be hidden before revealing`);
}

const STEP_TITLES = [
  'Check ArgoCD app status',
  'View the diff',
  'Check HPA',
  'Tell ArgoCD to ignore replicas',
  'Update the Application in Git',
  'Verify stabilization',
];

const CHECKLIST = [
  'Quick identification of the HPA vs ArgoCD conflict',
  'Knowledge of ignoreDifferences to resolve sync loops',
  'Understanding that this is a common GitOps pitfall (not a bug)',
  'The fix should be made in Git (not just via argocd CLI) to be durable',
  'Mention of other sync loop causes: server-side defaults, mutating webhooks',
  'Post-incident: audit all ArgoCD-managed deployments that also have HPAs',
];

const SPOILER_IDS = ['expected-investigation-path', 'root-cause', 'what-a-strong-answer-includes'];

test('seed scenario page: sections, reveal, copy buttons, no browser errors', async (t) => {
  const { context, page, problems } = await openPage();
  try {
    const res = await page.goto(SEED);
    assert.equal(res?.status(), 200, `GET ${SEED} status`);
    assert.match(await page.title(), /GitOps Drift Causing Outage/);

    await t.test('visible sections and the prompt', async () => {
      for (const name of ['The Prompt', 'Initial Report', 'Constraints', 'Observable Evidence']) {
        await assertVisible(page.getByRole('heading', { name, level: 2, exact: true }), `h2 "${name}"`);
      }
      await assertVisible(page.getByText('self-heal is fighting with an HPA'), 'the prompt text');
    });

    await t.test('answers are hidden, then revealed with the reveal button', async () => {
      const locked = page.locator('section.spoiler-locked');
      const ids = await locked.evaluateAll((els) => els.map((el) => el.id));
      for (const id of SPOILER_IDS) assert.ok(ids.includes(id), `missing locked spoiler #${id}; found ${ids}`);
      assert.equal(await page.getByText('Knowledge of ignoreDifferences').count(), 0, 'checklist in the page before reveal');
      assert.equal(await page.getByText('Check ArgoCD app status', { exact: true }).count(), 0, 'steps in the page before reveal');

      await Promise.all([
        page.waitForURL(/#answer$/),
        page.getByRole('button', { name: 'Reveal the answers without answering' }).click(),
      ]);
      const spoilers = page.locator('details.spoiler');
      const openIds = await spoilers.evaluateAll((els) => els.filter((el) => el.open).map((el) => el.id));
      for (const id of SPOILER_IDS) assert.ok(openIds.includes(id), `details.spoiler#${id} not open after reveal; open: ${openIds}`);
      assert.equal(await page.locator('section.spoiler-locked').count(), 0, 'locked spoilers after reveal');

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    await t.test('revealed content is visible', async () => {
      for (const title of STEP_TITLES) {
        await assertVisible(page.locator('.step-title').getByText(title, { exact: true }), `step title "${title}"`);
      }
      for (const label of ['IMMEDIATE FIX', 'PERMANENT FIX']) {
        await assertVisible(page.getByText(label, { exact: true }), `label "${label}"`);
      }
      await assertVisible(page.locator('#root-cause').getByText('infinite loop'), 'root cause "infinite loop"');

      const checklist = page.locator('#what-a-strong-answer-includes li');
      assert.equal(await checklist.count(), CHECKLIST.length, 'checklist items');
      for (const item of CHECKLIST) {
        await assertVisible(page.getByText(item, { exact: true }), `checklist item "${item}"`);
      }

      for (const name of ['Related content', 'Pages that link here']) {
        await assertVisible(page.getByRole('heading', { name, level: 3, exact: true }), `h3 "${name}"`);
      }
      const gitops = page
        .getByRole('link', { name: 'GitOps', exact: true })
        .and(page.locator('a[href="/topics/gitops"]'))
        .first();
      await assertVisible(gitops, 'link "GitOps" to /topics/gitops');
      await assertVisible(page.getByText('not written yet').first(), 'a "not written yet" marker');
    });

    await t.test('copy buttons are un-hidden by /static/app.js', async () => {
      const total = await page.locator('button.copy').count();
      assert.ok(total >= 1, 'the page has no button.copy at all');
      try {
        await page.locator('button.copy:visible').first().waitFor({ state: 'visible', timeout: 3_000 });
      } catch {
        const hidden = await page.locator('button.copy[hidden]').count();
        assert.fail(`no visible button.copy (${total} in the page, ${hidden} still have the hidden attribute): ` +
          'is /static/app.js loaded and does it un-hide them?');
      }
    });

    await t.test('no console errors, page errors, failed requests or HTTP errors', async () => {
      await checkReferencedAssets(page, problems);
      assertNoProblems(problems, SEED);
    });
  } finally {
    await context.close();
  }
});

test('catalogue lists the scenarios and filters by level', async () => {
  const { context, page, problems } = await openPage();
  try {
    const res = await page.goto('/');
    assert.equal(res?.status(), 200, 'GET / status');
    const cards = page.locator('.card-title');
    assert.equal(await cards.count(), 4, `scenario cards: ${await cards.allInnerTexts()}`);

    await page.locator('select[name="level"]').selectOption('L1');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('level') === 'L1'),
      page.getByRole('button', { name: 'Filter', exact: true }).click(),
    ]);
    assert.match(page.url(), /level=L1/);
    await page.waitForLoadState('load');
    assert.deepEqual(await cards.allInnerTexts(), ['TLS Certificate Expired at the Ingress']);
    await assertVisible(cards.first(), 'the filtered card');
    assert.equal(await page.locator('select[name="level"]').inputValue(), 'L1', 'level select keeps L1');

    await checkReferencedAssets(page, problems);
    assertNoProblems(problems, 'catalogue');
  } finally {
    await context.close();
  }
});
