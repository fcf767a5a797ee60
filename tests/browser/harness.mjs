// harness.mjs — shared pieces of the browser tests: serve the site, launch headless Chromium.
//
//   const server = await startServer({ siteDir, serverBin, modelsDir });   // {url, close()}
//   const { context, page, errors } = await launchBrowser();     // errors: page errors seen
//   ...; await context.close(); await server.close();
//
// Environment (set by CTest, see CMakeLists.txt): JAM_SITE_DIR, JAM_SERVER_BIN (optional),
// JAM_BROWSER_OUT (where screenshots go).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-swiftshader', '--autoplay-policy=no-user-gesture-required',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => { req.destroy(); resolve(false); });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.css': 'text/css', '.onnx': 'application/octet-stream',
};

// TEMPORARY fallback, used only while there is no jam-server target (native_server/ is being
// written; JAM_SERVER_BIN unset): a minimal static file server. It goes away once jam-server exists; the tests must run against the real
// server, which is what users get.
function startFallbackServer(siteDir, port) {
  const root = path.resolve(siteDir);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(root, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(root + path.sep)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] || 'application/octet-stream',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Content-Security-Policy':  // as strict as jam-server's
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:",
      });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// modelsDir: a folder of model directories (<id>/config.json ...) passed as --models.
export async function startServer({ siteDir, serverBin, modelsDir }) {
  if (!siteDir || !fs.existsSync(path.join(siteDir, 'index.html'))) {
    throw new Error(`site not built: ${siteDir}/index.html missing (build the wasm tree first)`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  if (serverBin) {
    if (!fs.existsSync(serverBin)) throw new Error(`jam-server not built: ${serverBin}`);
    const args = ['--host', '127.0.0.1', '--port', String(port), '--web', siteDir];
    if (modelsDir) args.push('--models', modelsDir);
    const child = spawn(serverBin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitForHttp(url, 10000, child);
    return {
      url, kind: 'jam-server', child,
      close: () => new Promise((resolve) => {
        if (child.exitCode !== null) { resolve(); return; }
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
    };
  }
  const server = await startFallbackServer(siteDir, port);
  await waitForHttp(url, 5000);
  return { url, kind: 'node-fallback', close: () => new Promise((r) => server.close(r)) };
}

export async function launchBrowser({ width = 1280, height = 720 } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jam-chromium-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height },
  });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  const close = async () => {
    await context.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  return { context, page, errors, close };
}

export function outputDir() {
  const dir = process.env.JAM_BROWSER_OUT || path.join(os.tmpdir(), 'jam-browser-out');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Page init scripts (context.addInitScript(fn, arg)); they run in the page, before its scripts.
// Seeds the app's saved settings unless the page already has some (a reload keeps the user's).
export function seedSettings(settings) {
  try {
    if (!localStorage.getItem('realjam.settings')) localStorage.setItem('realjam.settings', JSON.stringify(settings));
  } catch (e) { /* about:blank has no storage */ }
}

// Makes the browser refuse Web MIDI, as a user who denies the permission does.
export function refuseMidi() {
  Object.defineProperty(navigator, 'requestMIDIAccess', {
    configurable: true, value: () => Promise.reject(new DOMException('denied', 'SecurityError')),
  });
}
