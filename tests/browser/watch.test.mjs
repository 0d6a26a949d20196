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
