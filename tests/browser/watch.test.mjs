// Watch mode: adding, editing, breaking, fixing, renaming and deleting a content file is live
// within a second, no request fails meanwhile, and a broken edit never replaces the good page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startServer } from './server.mjs';

/** Polls `url` until `check(status, body)` holds; fails after one second. */
async function within1s(baseUrl, url, check, what) {
  const deadline = Date.now() + 1_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(baseUrl + url);
    const body = await res.text();
    if (check(res.status, body)) return body;
    last = `${res.status}: ${body.slice(0, 200)}`;
    await sleep(25);
  }
  assert.fail(`${what}: not live within 1 s (last answer ${last})`);
}

test('content changes are live within a second and no request fails', { timeout: 60_000 }, async () => {
  const content = mkdtempSync(path.join(os.tmpdir(), 'firedrill-watch-'));
  mkdirSync(path.join(content, 'topics'));
  writeFileSync(path.join(content, 'topics', 'home.md'), '# Home\n\nStarting point.\n');
  const server = await startServer({ content, args: ['--watch'] });
  const failures = [];
  let requests = 0;
  let running = true;
  const hammer = (async () => {
    while (running) {
      for (const url of ['/', '/topics/home', '/wiki']) {
        try {
          const res = await fetch(server.baseUrl + url);
          await res.arrayBuffer();
          requests++;
          if (res.status !== 200) failures.push(`${url}: ${res.status}`);
        } catch (err) {
          failures.push(`${url}: ${err.cause?.code ?? err.message}`);
        }
      }
    }
  })();
  try {
    const file = path.join(content, 'topics', 'new.md');
    writeFileSync(file, '# New Page\n\nFirst version.\n');
    await within1s(server.baseUrl, '/topics/new', (s, b) => s === 200 && b.includes('First version.'), 'add');

    writeFileSync(file, '# New Page\n\nSecond version.\n');
    await within1s(server.baseUrl, '/topics/new', (s, b) => s === 200 && b.includes('Second version.'), 'edit');

    writeFileSync(file, '---\nlevel: [\n---\n# New Page\n\nBroken version.\n');
    const broken = await within1s(server.baseUrl, '/topics/new', (s, b) => s === 200 && b.includes('Problems in topics/new.md'), 'break');
    assert.ok(broken.includes('Second version.') && !broken.includes('Broken version.'), 'the last good version is served while the file is broken');
    assert.match(broken, /line 2: error: invalid front matter/);

    writeFileSync(file, '# New Page\n\nFixed version.\n');
    const fixed = await within1s(server.baseUrl, '/topics/new', (s, b) => s === 200 && b.includes('Fixed version.'), 'fix');
    assert.ok(!fixed.includes('Problems in'), 'no problems shown once fixed');

    renameSync(file, path.join(content, 'topics', 'renamed.md'));
    await within1s(server.baseUrl, '/topics/renamed', (s, b) => s === 200 && b.includes('Fixed version.'), 'rename (new name)');
    await within1s(server.baseUrl, '/topics/new', (s) => s === 404, 'rename (old name gone)');

    rmSync(path.join(content, 'topics', 'renamed.md'));
    await within1s(server.baseUrl, '/topics/renamed', (s) => s === 404, 'delete');
  } finally {
    running = false;
    await hammer;
    await server.stop();
  }
  assert.ok(requests > 50, `only ${requests} requests ran meanwhile`);
  assert.deepEqual(failures, [], `requests failed while content changed (${requests} in all)`);
});

test('an author sees a broken file\'s problems in watch mode; learners keep the good page', { timeout: 60_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const { addUser, binary, fixtureContent } = await import('./server.mjs');
  const { execFileSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const content = mkdtempSync(path.join(os.tmpdir(), 'firedrill-author-'));
  mkdirSync(path.join(content, 'scenarios'));
  const file = path.join(content, 'scenarios', 'drill.md');
  const good = readFileSync(path.join(fixtureContent, 'scenarios', 'gitops-drift-causing-outage.md'), 'utf8');
  writeFileSync(file, good);
  // Not a loopback bind: problems are for signed-in authors only.
  const server = await startServer({ content, args: ['--watch'], host: '0.0.0.0' });
  addUser(server.database, 'ada', 'author', 'correct horse battery');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const author = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    await author.goto('/sign-in?next=/scenarios/drill');
    await author.getByLabel('User name').fill('ada');
    await author.getByLabel('Password').fill('correct horse battery');
    await Promise.all([author.waitForURL(/\/scenarios\/drill$/), author.getByRole('button', { name: 'Sign in' }).click()]);
    // The copy links to pages this folder lacks: warnings, no errors.
    const before = await author.locator('.author-problems').innerText();
    assert.match(before, /warning: link to missing page/);
    assert.doesNotMatch(before, /error:/);

    // The author breaks the file's front matter.
    writeFileSync(file, '---\nlevel: [\n---\n' + good);
    const deadline = Date.now() + 2_000;
    let box = '';
    while (Date.now() < deadline && !/error:/.test(box)) {
      await sleep(50);
      await author.reload();
      box = await author.locator('.author-problems').innerText();
    }
    assert.match(box, /Problems in scenarios\/drill\.md/);
    assert.match(box, /line 2: error: invalid front matter/);
    assert.ok(await author.getByRole('heading', { name: 'The Prompt' }).isVisible(), 'the last good version is still shown');

    // A learner sees the last good page and no problems box.
    const learner = await (await browser.newContext({ baseURL: server.baseUrl })).newPage();
    await learner.goto('/scenarios/drill');
    assert.equal(await learner.locator('.author-problems').count(), 0);
    assert.ok(await learner.getByRole('heading', { name: 'The Prompt' }).isVisible());

    // `check` says the same at the same line, and exits 1.
    let out = '';
    try {
      execFileSync(binary(), ['check', '--content', content], { encoding: 'utf8' });
    } catch (err) {
      assert.equal(err.status, 1);
      out = err.stdout;
    }
    assert.match(out, /scenarios\/drill\.md:2: error: invalid front matter/);

    // Fixed: the error goes away.
    writeFileSync(file, good);
    const fixed = Date.now() + 2_000;
    let after = box;
    while (Date.now() < fixed && /error:/.test(after)) {
      await sleep(50);
      await author.reload();
      after = await author.locator('.author-problems').innerText();
    }
    assert.doesNotMatch(after, /error:/, 'fixed: no error left');
  } finally {
    await browser.close();
    await server.stop();
  }
});
