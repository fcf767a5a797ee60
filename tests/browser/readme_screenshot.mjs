// readme_screenshot.mjs — the README's screenshot: a real jam in headless Chromium with the
// trained models (jam-server --models models), a melody played through a (fake) MIDI keyboard,
// taken once the agent's labelled chords fall down the waterfall. Not a test; run it by hand
// after training or UI changes:
//
//   JAM_SITE_DIR=build/wasm/site JAM_SERVER_BIN=build/native/bin/jam-server \
//     node tests/browser/readme_screenshot.mjs [docs/img/jam_waterfall.png] [--agent tab]
//
// Server agent: model "online" (5.1 M); --agent tab: "online-web" in the tab (ONNX Runtime Web).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, sleep, startServer } from './harness.mjs';

const args = process.argv.slice(2);
const tab = args.includes('--agent') && args[args.indexOf('--agent') + 1] === 'tab';
const out = path.resolve(args.find((a) => a.endsWith('.png')) || 'docs/img/jam_waterfall.png');
const TEMPO = 96;
const SETTINGS = {
  tempo_bpm: TEMPO, beats_per_bar: 4, silence_beats: 4, lookahead_beats: 8, commit_beats: 4,
  model: tab ? 'online-web' : 'online', temperature: 0.7, metronome: true, agent: tab ? 'tab' : 'server',
  chord_instrument: 'epiano', melody_instrument: 'piano', highlight_chords: true,
};

function fakeMidi() {
  const input = { id: 'keys', name: 'Keys', manufacturer: '', type: 'input', state: 'connected',
                  connection: 'open', onmidimessage: null };
  const access = { inputs: new Map([[input.id, input]]), outputs: new Map(), sysexEnabled: false,
                   onstatechange: null };
  Object.defineProperty(navigator, 'requestMIDIAccess', { configurable: true, value: () => Promise.resolve(access) });
  window.__midi = (bytes) => input.onmidimessage && input.onmidimessage({ data: new Uint8Array(bytes) });
}

function seed(settings) {
  try { localStorage.setItem('realjam.settings', JSON.stringify(settings)); } catch (e) { /* */ }
}

// "Ode to Joy" in C (pitch, beats), twice: a melody every model knows how to harmonize.
const PHRASE = [[64, 1], [64, 1], [65, 1], [67, 1], [67, 1], [65, 1], [64, 1], [62, 1],
                [60, 1], [60, 1], [62, 1], [64, 1], [64, 1.5], [62, 0.5], [62, 2],
                [64, 1], [64, 1], [65, 1], [67, 1], [67, 1], [65, 1], [64, 1], [62, 1],
                [60, 1], [60, 1], [62, 1], [64, 1], [62, 1.5], [60, 0.5], [60, 2]];

const server = await startServer({ siteDir: process.env.JAM_SITE_DIR, serverBin: process.env.JAM_SERVER_BIN,
                                   modelsDir: path.resolve('models') });
const browser = await launchBrowser({ width: 1280, height: 720 });
const { page, context, errors } = browser;
try {
  await context.addInitScript(fakeMidi);
  await context.addInitScript(seed, SETTINGS);
  await page.goto(server.url);
  await page.waitForFunction(() => window.jam && window.jam.ready, null, { timeout: 30000 });
  await page.waitForFunction(() => window.jam.session().online && window.jam.session().modelsLoaded,
                             null, { timeout: 120000 });
  await page.mouse.move(640, 300);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.jam.session().state === 'armed');
  const beatMs = 60000 / TEMPO;
  const t0 = Date.now();
  let at = 0;
  let shot = null;
  for (let round = 0; round < 3 && !shot; ++round) {
    for (const [pitch, beats] of PHRASE) {
      await sleep(Math.max(0, t0 + at * beatMs - Date.now()));
      await page.evaluate((p) => window.__midi([0x90, p, 96]), pitch);
      await sleep(beats * beatMs * 0.85);
      await page.evaluate((p) => window.__midi([0x80, p, 0]), pitch);
      at += beats;
      const s = await page.evaluate(() => window.jam.session());
      const named = s.chords.filter((c) => c.name && c.on >= s.currentFrame);
      // A moment with several labelled chords ahead, one of them still being planned.
      if (at >= 20 && named.length >= 2 && s.chords.some((c) => !c.committed) &&
          (await page.evaluate(() => window.jam.state().pressed.length)) === 0) {
        await page.evaluate((p) => window.__midi([0x90, p, 96]), 67);
        await sleep(120);
        shot = await page.screenshot();
        await page.evaluate((p) => window.__midi([0x80, p, 0]), 67);
        console.log(`# chords on screen: ${s.chords.map((c) => `${c.name}${c.committed ? '' : '?'}`).join(' ')}`);
        break;
      }
    }
  }
  assert.ok(shot, 'no moment with labelled chords in the waterfall');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, shot);
  console.log(`# wrote ${out}; page errors: ${errors.length ? errors.join('; ') : 'none'}`);
} finally {
  await browser.close();
  await server.close();
}
