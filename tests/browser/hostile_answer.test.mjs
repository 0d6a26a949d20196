// An answer full of HTML and script, viewed where it is shown back: the learner's attempt page
// and the author's statistics page. Nothing in it runs, and the pages (which use no inline
// script or style) cause no Content-Security-Policy violation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

const HOSTILE = `Self-heal fights the HPA over spec.replicas.
<script>window.__pwned = 'script'</script>
<img src=x onerror="window.__pwned = 'img'">
<svg onload="window.__pwned = 'svg'"></svg>
<a href="javascript:window.__pwned = 'link'">click me</a>
[markdown link](javascript:window.__pwned='markdown')
<iframe src="javascript:window.__pwned = 'iframe'"></iframe>
<style>body { display: none }</style>
"><script>window.__pwned = 'attribute'</script>`;

/** Watches a page for anything the hostile answer could make happen. */
function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  return problems;
}

/** Adds a listener for CSP violations before any of the page's own script runs. */
async function recordViolations(context) {
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function assertInert(page, where, problems) {
  // Give any injected handler a chance to fire.
  await page.waitForLoadState('load');
  await page.waitForTimeout(200);
  const state = await page.evaluate(() => ({ pwned: window.__pwned ?? null, violations: window.__violations }));
  assert.equal(state.pwned, null, `${where}: the answer's script ran (${state.pwned})`);
  assert.deepEqual(state.violations, [], `${where}: CSP violations`);
  assert.deepEqual(problems, [], `${where}: console errors, page errors or dialogs`);
  const answer = page.locator('.answer-text').first();
  assert.ok(await answer.isVisible(), `${where}: the answer is shown`);
  assert.ok((await answer.textContent()).includes(`<script>window.__pwned = 'script'</script>`), `${where}: shown as text`);
  assert.equal(await page.locator('.answer-text img, .answer-text svg, .answer-text iframe, .answer-text script, .answer-text style').count(), 0, `${where}: no element from the answer`);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0, `${where}: no javascript: link`);
  assert.ok(await page.locator('body').isVisible(), `${where}: the answer's style did not apply`);
}

test('a hostile answer is inert on the attempt page and the statistics page', { timeout: 60_000 }, async () => {
  const server = await startServer();
  addUser(server.database, 'author', 'author', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const learner = await browser.newContext({ baseURL: server.baseUrl });
    await recordViolations(learner);
    const page = await learner.newPage();
    page.setDefaultTimeout(5_000);
    const problems = watch(page);
    await page.goto('/scenarios/gitops-drift-causing-outage');
    await page.getByLabel('What would you do?').fill(HOSTILE);
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);
    await assertInert(page, 'attempt page', problems);

    const author = await browser.newContext({ baseURL: server.baseUrl });
    await recordViolations(author);
    const stats = await author.newPage();
    stats.setDefaultTimeout(5_000);
    const authorProblems = watch(stats);
    // Statistics need an author: sign in first, and come back.
    await stats.goto('/stats/gitops-drift-causing-outage');
    assert.match(stats.url(), /\/sign-in\?next=/);
    await stats.getByLabel('User name').fill('author');
    await stats.getByLabel('Password').fill('correct horse battery');
    await Promise.all([stats.waitForURL(/\/stats\/gitops-drift-causing-outage$/), stats.getByRole('button', { name: 'Sign in' }).click()]);
    assert.ok(await stats.getByRole('heading', { name: 'Recent answers' }).isVisible());
    await assertInert(stats, 'statistics page', authorProblems);
  } finally {
    await browser.close();
    await server.stop();
  }
});
