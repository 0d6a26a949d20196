// Starts the firedrill server binary for a browser test and stops it again.
//
// The binary is NOT built here: run `cargo build` in the repository first, or
// point FIREDRILL_BIN at an existing binary.

import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Repository root: two levels up from this file (tests/browser/server.mjs). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The tests' own content folder: a frozen copy of the library (tests/fixtures/content), so adding,
 * removing or editing a bundled scenario in content/ never changes what these tests see.
 */
export const fixtureContent = path.join(repoRoot, 'tests/fixtures/content');

const READY_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;

/** Asks the kernel for a free TCP port on the loopback address. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** The firedrill binary under test. */
export function binary() {
  return process.env.FIREDRILL_BIN || path.join(repoRoot, 'target', 'debug', 'firedrill');
}

/**
 * Creates an account in the server's database with `firedrill user add` (the password on
 * standard input), as an admin would.
 */
export function addUser(database, name, role, password) {
  const run = spawnSync(binary(), ['user', 'add', name, '--role', role, '--database', database], {
    cwd: repoRoot,
    input: `${password}\n`,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`user add ${name} failed: ${run.stderr}${run.stdout}`);
}

/**
 * Starts `<bin> serve --content <repo>/tests/fixtures/content --bind 127.0.0.1:<port>` with
 * cwd = repo root (the server serves /static from ./static) and waits until
 * GET /healthz answers 200.
 *
 * @param {{database?: string, content?: string, args?: string[], host?: string}} [options] reuse a
 *   database (to restart on the same data), serve another content folder, pass more arguments,
 *   listen on another address than 127.0.0.1 (the tests still connect to 127.0.0.1)
 * @returns {Promise<{baseUrl: string, database: string, stop: () => Promise<void>, kill: () => Promise<void>}>}
 */
export async function startServer(options = {}) {
  const bin = binary();
  if (!existsSync(bin)) {
    throw new Error(
      `firedrill binary not found at ${bin}. ` +
        `Build it first with \`cargo build\` in ${repoRoot} ` +
        `(or set FIREDRILL_BIN to the path of a built binary).`,
    );
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A fresh database for every server, so tests never see each other's attempts.
  const database =
    options.database ?? `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'firedrill-browser-')), 'test.db')}`;
  const child = spawn(
    bin,
    ['serve', '--content', options.content ?? fixtureContent, '--database', database, '--bind', `${options.host ?? '127.0.0.1'}:${port}`, ...(options.args ?? [])],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });

  let exited = null; // {code, signal} once the process has exited
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  child.on('error', (err) => { spawnError = err; });

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
    await exitPromise;
    clearTimeout(timer);
  };

  // SIGKILL: no graceful shutdown, like a crash or a power cut of the process.
  const kill = async () => {
    if (exited) return;
    child.kill('SIGKILL');
    await exitPromise;
  };

  const output = () =>
    `--- stderr ---\n${stderr.trim() || '(empty)'}\n--- stdout ---\n${stdout.trim() || '(empty)'}`;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (spawnError) {
      await stop();
      throw new Error(`could not start ${bin}: ${spawnError.message}\n${output()}`);
    }
    if (exited) {
      throw new Error(
        `firedrill server exited before it was ready ` +
          `(code ${exited.code}, signal ${exited.signal})\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { baseUrl, database, stop, kill };
      lastProblem = `GET /healthz answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /healthz failed: ${err.cause?.code ?? err.message}`;
    }
    await sleep(POLL_INTERVAL_MS);
  }

  await stop();
  throw new Error(
    `firedrill server at ${baseUrl} was not ready within ${READY_TIMEOUT_MS / 1000} s ` +
      `(${lastProblem})\n${output()}`,
  );
}
