// smoke.test.mjs — the web app starts in real headless Chromium, draws its screen, and plays
// notes from the computer keyboard and the mouse (lit keys, a Web Audio voice started).
//
//   JAM_SITE_DIR=build/wasm/site [JAM_SERVER_BIN=build/native/bin/jam-server] \
//     node tests/browser/smoke.test.mjs
//
// Also: the page's own code (without ONNX Runtime Web) is at most 2 MB gzipped.
//
// Writes browser_smoke_idle.png and browser_smoke_key.png to JAM_BROWSER_OUT.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { launchBrowser, outputDir, sleep, startServer } from './harness.mjs';
import { averageColor, decodePng } from './png.mjs';
import { pageCodeSize } from './site.mjs';

const SITE_DIR = process.env.JAM_SITE_DIR;
const SERVER_BIN = process.env.JAM_SERVER_BIN;
const MODELS_DIR = path.resolve(process.env.JAM_MODELS_DIR || 'tests/data');

const isWhite = ([r, g, b]) => r > 200 && g > 200 && b > 200;
const isDark = ([r, g, b]) => r < 90 && g < 90 && b < 90;
const isOrange = ([r, g, b]) => r > 200 && g > 80 && g < 200 && b < 110;
const fmt = (c) => `rgb(${c.map((v) => v.toFixed(0)).join(', ')})`;

// The lower part of a white key (below the black keys and above the octave label).
const whiteKeyFace = (k) => [k.x + 3, k.y + k.h * 0.66, k.w - 6, k.h * 0.12];

async function screenshot(page, name) {
  const png = await page.screenshot();
  fs.writeFileSync(path.join(outputDir(), name), png);
  return decodePng(png);
}

async function framesLater(page, n = 2) {
  const f = await page.evaluate(() => window.jam.state().frame);
  await page.waitForFunction((target) => window.jam.state().frame >= target, f + n);
}

test('web app starts, draws the piano and plays notes', { timeout: 90000 }, async () => {
  const server = await startServer({ siteDir: SITE_DIR, serverBin: SERVER_BIN, modelsDir: MODELS_DIR });
  console.log(`# serving ${SITE_DIR} with ${server.kind} at ${server.url}`);
  const browser = await launchBrowser({ width: 1280, height: 720 });
  const { page, errors } = browser;
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => window.jam && (window.jam.ready || window.jam.error),
                               null, { timeout: 30000 })
      .catch((e) => { throw new Error(`app not ready: ${e.message}; page errors: ${errors}`); });
    assert.equal(await page.evaluate(() => window.jam.error), null, 'app reported an error');
    const s0 = await page.evaluate(() => window.jam.state());
    assert.equal(s0.status, 'idle');
    assert.deepEqual(s0.pressed, []);
    assert.equal(s0.notesPlayed, 0);

    // --- The screen is drawn: not blank, white and black keys, a dark waterfall.
    const idle = await screenshot(page, 'browser_smoke_idle.png');
    assert.equal(idle.width, 1280);
    const counts = new Map();
    for (let i = 0; i < idle.rgba.length; i += 4) {
      const key = (idle.rgba[i] >> 4) << 8 | (idle.rgba[i + 1] >> 4) << 4 | idle.rgba[i + 2] >> 4;
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    const top = Math.max(...counts.values()) / (idle.width * idle.height);
    assert.ok(counts.size >= 12, `only ${counts.size} distinct colours: blank screen?`);
    assert.ok(top < 0.8, `one colour covers ${(top * 100).toFixed(0)}% of the screen`);

    const c4 = await page.evaluate(() => window.jam.keyRect(60));
    const cs4 = await page.evaluate(() => window.jam.keyRect(61));
    const a0 = await page.evaluate(() => window.jam.keyRect(21));
    const c8 = await page.evaluate(() => window.jam.keyRect(108));
    assert.ok(c4 && cs4 && !c4.black && cs4.black, 'key rectangles published');
    assert.ok(a0 && c8, 'all 88 keys (A0..C8) at 1280 px');
    const c4Idle = averageColor(idle, ...whiteKeyFace(c4));
    assert.ok(isWhite(c4Idle), `C4 should be white, is ${fmt(c4Idle)}`);
    const cs4Idle = averageColor(idle, cs4.x + 3, cs4.y + cs4.h * 0.3, cs4.w - 6, cs4.h * 0.3);
    assert.ok(isDark(cs4Idle), `C#4 should be black, is ${fmt(cs4Idle)}`);
    const water = averageColor(idle, 500, c4.y - 200, 300, 100);
    assert.ok(isDark(water), `waterfall should be dark, is ${fmt(water)}`);

    // --- Computer keyboard: 'A' plays C4 while held (ImGui samples input once per frame).
    await page.mouse.move(640, 300);
    await sleep(50);
    await page.keyboard.down('a');
    await page.waitForFunction(() => window.jam.state().pressed.includes(60));
    await framesLater(page);
    const held = await screenshot(page, 'browser_smoke_key.png');
    const c4Held = averageColor(held, ...whiteKeyFace(c4));
    assert.ok(isOrange(c4Held), `held C4 should be orange, is ${fmt(c4Held)}`);
    let s = await page.evaluate(() => window.jam.state());
    assert.equal(s.notesPlayed, 1);
    assert.equal(s.audio.started, 1, 'one Web Audio voice started');
    assert.equal(s.audio.lastPitch, 60);
    assert.equal(s.audio.active, 1);
    assert.equal(s.audio.state, 'running', 'AudioContext runs');
    const t0 = s.audio.time;
    await sleep(150);
    await page.keyboard.up('a');
    await page.waitForFunction(() => window.jam.state().pressed.length === 0);
    s = await page.evaluate(() => window.jam.state());
    assert.ok(s.audio.time > t0, 'the audio clock advances');
    assert.equal(s.audio.stopped, 1, 'key release damped the voice');
    await framesLater(page);
    const released = await screenshot(page, 'browser_smoke_released.png');
    const c4After = averageColor(released, ...whiteKeyFace(c4));
    assert.ok(isWhite(c4After), `released C4 should be white again, is ${fmt(c4After)}`);

    // --- Octave up (X), then 'W' plays C#5.
    await page.keyboard.press('x');
    await page.keyboard.down('w');
    await page.waitForFunction(() => window.jam.state().pressed.includes(73));
    await page.keyboard.up('w');
    await page.waitForFunction(() => window.jam.state().pressed.length === 0);
    assert.equal((await page.evaluate(() => window.jam.state())).octave, 5);

    // --- Mouse: press on E4's white face plays E4; releasing stops it.
    const e4 = await page.evaluate(() => window.jam.keyRect(64));
    await page.mouse.move(e4.x + e4.w / 2, e4.y + e4.h * 0.8);
    await sleep(50);
    await page.mouse.down();
    await page.waitForFunction(() => window.jam.state().pressed.includes(64));
    await sleep(50);
    await page.mouse.up();
    await page.waitForFunction(() => window.jam.state().pressed.length === 0);
    s = await page.evaluate(() => window.jam.state());
    assert.equal(s.notesPlayed, 3);
    assert.equal(s.audio.started, 3);
    assert.equal(s.audio.stopped, 3);

    // --- Space arms a session (the first note will start its clock); Space again stops it.
    if (server.kind === 'jam-server') {
      await page.waitForFunction(() => window.jam.session().modelsLoaded);
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.jam.state().running);
      s = await page.evaluate(() => window.jam.state());
      assert.equal(s.status, 'armed: play a note');
      assert.equal(s.beat, 0, 'no clock before the first note');
      await page.keyboard.press(' ');
      await page.waitForFunction(() => !window.jam.state().running);
      assert.equal((await page.evaluate(() => window.jam.state())).status, 'stopped');
    }

    // --- The canvas follows the window; a narrow window gets fewer, wider keys (C2..C7).
    await page.setViewportSize({ width: 700, height: 500 });
    await page.waitForFunction(() => document.getElementById('canvas').width === 700);
    await framesLater(page);
    const narrow = await page.evaluate(() => ({
      h: document.getElementById('canvas').height, a0: window.jam.keyRect(21),
      c2: window.jam.keyRect(36), c7: window.jam.keyRect(96),
    }));
    assert.equal(narrow.h, 500);
    assert.equal(narrow.a0, null);
    assert.ok(narrow.c2 && narrow.c7 && narrow.c7.x + narrow.c7.w <= 700);

    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await server.close();
  }
});

// The page's own code (jam_web.wasm, jam_web.js, the web_shell scripts and index.html; not ONNX
// Runtime Web's runtime nor the models) must stay within 2 MB gzipped (issue 7's target).
test('the page\'s own code is at most 2 MB gzipped', () => {
  assert.ok(SITE_DIR && fs.existsSync(path.join(SITE_DIR, 'jam_web.wasm')), 'site not built');
  const size = pageCodeSize(SITE_DIR);
  const names = size.files.map((f) => f.name);
  for (const f of ['index.html', 'jam_web.js', 'jam_web.wasm', 'ort_agent.js', 'ort_worker.js']) {
    assert.ok(names.includes(f), `${f} counted`);
  }
  assert.ok(!names.some((n) => n.startsWith('ort.') || n.startsWith('ort-wasm')), 'ORT runtime excluded');
  const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`# page's own code: ${kb(size.raw)} raw, ${kb(size.gzip)} gzipped (` +
              size.files.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ') + ')');
  assert.ok(size.gzip <= 2 * 1024 * 1024, `page code is ${kb(size.gzip)} gzipped (> 2 MB)`);
});
