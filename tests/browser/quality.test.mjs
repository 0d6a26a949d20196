// Every page a learner, author, admin, interviewer or candidate can reach: axe-core finds no
// serious or critical accessibility violation, and the Nu HTML checker (vnu-jar from npm, on
// the machine's Java) finds no error in the HTML as the server sends it. Then answering with
// the keyboard alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { addUser, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const SEED = '/scenarios/gitops-drift-causing-outage';
const PASSWORD = 'correct horse battery';

async function signIn(context, name) {
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

/** Visits every page as each kind of user; returns [{who, url, context}] to check. */
async function everyPage(browser, baseURL) {
  const pages = [];
  const visit = (who, context, url) => pages.push({ who, context, url });

  const anonymous = await browser.newContext({ baseURL });
  for (const url of ['/', '/?level=L2', '/wiki', SEED, '/scenarios/tls-certificate-expired',
    '/scenarios/config-drift-detected', '/scenarios/nodes-notready-after-upgrade', '/topics/gitops',
    '/runbooks/argocd-out-of-sync', '/attempts', '/sign-in', '/sign-up', '/no/such/page',
    '/search', '/search?q=certficate', '/search?q=argocd&kind=wiki', '/search?q=nothinglikeit&level=L1']) {
    visit('visitor', anonymous, url);
  }

  // A learner answers: the attempt page and the history.
  const learner = await browser.newContext({ baseURL });
  const page = await learner.newPage();
  await page.goto(SEED);
  await page.getByLabel('What would you do?').fill('ArgoCD self-heal fights the HPA; add ignoreDifferences in Git.');
  await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Submit answer' }).click()]);
  visit('learner', learner, new URL(page.url()).pathname);
  visit('learner', learner, '/attempts');
  visit('learner', learner, SEED);

  const author = await browser.newContext({ baseURL });
  await signIn(author, 'author');
  visit('author', author, '/stats');
  visit('author', author, `/stats/gitops-drift-causing-outage`);

  const admin = await browser.newContext({ baseURL });
  await signIn(admin, 'admin');
  visit('admin', admin, '/admin/users');
  visit('admin', admin, '/account');

  const interviewer = await browser.newContext({ baseURL });
  const console = await signIn(interviewer, 'ivy');
  await console.goto(SEED);
  visit('interviewer', interviewer, SEED);
  await console.getByLabel("Candidate's name").fill('Sam');
  await Promise.all([console.waitForURL(/\/interviews\/[0-9a-f]{32}$/), console.getByRole('button', { name: 'Start interview' }).click()]);
  const consolePath = new URL(console.url()).pathname;
  const link = new URL(await console.locator('#candidate-link').inputValue()).pathname;
  await console.locator('#reveal-evidence-0').getByRole('button', { name: 'Reveal' }).click();
  await console.locator('#reveal-evidence-0 button', { hasText: 'Revealed' }).waitFor();
  const candidate = await browser.newContext({ baseURL });
  // Commands on the candidate's console, one answered: the transcripts on both sides.
  const typing = await candidate.newPage();
  await typing.goto(link);
  for (const typed of ['kubectl get hpa -n grokdevops', 'cowsay moo', 'kubectl delete ns grokdevops']) {
    await typing.locator('#interview-command').fill(typed);
    await typing.locator('#interview-command').press('Enter');
    await typing.locator('#transcript li', { hasText: typed }).waitFor();
  }
  await console.locator('#live-commands li', { hasText: 'get hpa' }).getByRole('button', { name: 'Show the output' }).click();
  await typing.locator('#transcript .transcript-output').waitFor();
  await typing.close();
  visit('interviewer', interviewer, consolePath);
  visit('interviewer', interviewer, '/interviews');
  visit('candidate', candidate, link);
  visit('interviewer', interviewer, `${consolePath}/scorecard`);
  visit('interviewer', interviewer, '/interviews/keys/tls-certificate-expired');

  // An interview with a step's findings revealed and a follow-up asked.
  const tls = await interviewer.newPage();
  await tls.goto('/scenarios/tls-certificate-expired');
  await tls.getByLabel("Candidate's name").fill('Kim');
  await Promise.all([tls.waitForURL(/\/interviews\/[0-9a-f]{32}$/), tls.getByRole('button', { name: 'Start interview' }).click()]);
  await tls.locator('.reveal-item[id^="reveal-hint-"]').first().getByRole('button', { name: 'Reveal' }).click();
  await tls.locator('#follow-up-0').getByRole('button', { name: 'Mark asked' }).click();
  await tls.locator('#follow-up-0.is-asked').waitFor();
  const tlsPath = new URL(tls.url()).pathname;
  visit('interviewer', interviewer, tlsPath);
  visit('interviewer', interviewer, `${tlsPath}/scorecard`);
  visit('candidate', candidate, new URL(await tls.locator('#candidate-link').inputValue()).pathname);
  return { pages, end: async () => {
    console.on('dialog', (d) => d.accept());
    await Promise.all([console.waitForURL(/scorecard$/), console.getByRole('button', { name: 'End interview' }).click()]);
    return [{ who: 'candidate', context: candidate, url: link }, { who: 'interviewer', context: interviewer, url: `${consolePath}/scorecard` }];
  } };
}

test('no page has a serious accessibility violation or an HTML error', { timeout: 180_000 }, async () => {
  const server = await startServer();
  for (const [name, role] of [['author', 'author'], ['admin', 'admin'], ['ivy', 'interviewer']]) {
    addUser(server.database, name, role, PASSWORD);
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'firedrill-html-'));
  try {
    const { pages, end } = await everyPage(browser, server.baseUrl);
    const check = async (list) => {
      const problems = [];
      const files = [];
      for (const { who, context, url } of list) {
        const page = await context.newPage();
        await page.goto(url);
        await page.evaluate(AXE);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          problems.push(`${who} ${url}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        }
        await page.close();
        const raw = await context.request.get(url, { failOnStatusCode: false });
        const file = path.join(dir, `${files.length}-${who}.html`);
        writeFileSync(file, await raw.text());
        files.push({ file, who, url });
      }
      return { problems, files };
    };
    const first = await check(pages);
    const after = await check(await end());
    const problems = [...first.problems, ...after.problems];
    assert.deepEqual(problems, [], 'axe-core: serious or critical violations');

    const files = [...first.files, ...after.files];
    let report;
    try {
      report = execFileSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files.map((f) => f.file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      report = err.stderr || err.stdout;
    }
    const messages = JSON.parse(report || '{"messages":[]}').messages.filter((m) => m.type === 'error');
    const described = messages.map((m) => {
      const page = files.find((f) => m.url && m.url.endsWith(path.basename(f.file)));
      return `${page ? `${page.who} ${page.url}` : m.url}:${m.lastLine}: ${m.message}`;
    });
    assert.deepEqual(described, [], 'Nu HTML checker errors');
    console.log(`${files.length} pages: no serious accessibility violation, no HTML error`);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a learner answers with the keyboard alone', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(5_000);
    await page.goto(SEED);
    // The first Tab reaches the skip link, which jumps to the main content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to content');
    await page.keyboard.press('Enter');
    let steps = 0;
    while (!(await page.evaluate(() => document.activeElement?.id === 'answer-text'))) {
      await page.keyboard.press('Tab');
      assert.ok(++steps < 60, 'the answer box is reachable with Tab');
    }
    await page.keyboard.type('Suspend ArgoCD self-heal, then add ignoreDifferences for spec.replicas in Git.');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Submit answer');
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(focusRing, 'none', 'the focused button shows a focus ring');
    await Promise.all([page.waitForURL(/\/attempts\/[0-9a-f]{32}$/), page.keyboard.press('Enter')]);
    assert.ok(await page.locator('.score-percent').isVisible());
    console.log(`answer box reached in ${steps} Tab presses after the skip link`);
  } finally {
    await browser.close();
    await server.stop();
  }
});
