// site.mjs — a temporary site for the in-tab agent: jam-server serves files only from its --web
// folder, so the browser tests serve symlinks to everything in the built site plus
// models/<id>/{model.onnx, vocab.json, config.json} from a model folder (tests/data/tiny_online by
// default; the real web models are copied into the built site by the wasm build itself).
//
//   const dir = makeTestSite(siteDir, 'tiny_online', 'tests/data');   // ...; removeTestSite(dir)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export function makeTestSite(siteDir, modelId, modelsDir) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jam-tab-site-'));
  const site = path.resolve(siteDir);
  for (const name of fs.readdirSync(site)) {
    if (name !== 'models') fs.symlinkSync(path.join(site, name), path.join(dir, name));
  }
  fs.mkdirSync(path.join(dir, 'models'));
  if (fs.existsSync(path.join(site, 'models'))) {
    for (const id of fs.readdirSync(path.join(site, 'models'))) {
      fs.symlinkSync(path.join(site, 'models', id), path.join(dir, 'models', id));
    }
  }
  const target = path.join(dir, 'models', modelId);
  if (!fs.existsSync(target)) {
    fs.mkdirSync(target);
    for (const f of ['model.onnx', 'vocab.json', 'config.json']) {
      const src = path.resolve(modelsDir, modelId, f);
      assert.ok(fs.existsSync(src), `${src} missing (tiny model: ./jam train export --tiny)`);
      fs.symlinkSync(src, path.join(target, f));
    }
  }
  return dir;
}

export function removeTestSite(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

// The page's own code as served (everything but ONNX Runtime Web's runtime and the models),
// raw and gzipped (level 9, what a server would send with Content-Encoding: gzip).
export function pageCodeSize(siteDir) {
  const files = [];
  let raw = 0, gzip = 0;
  for (const name of fs.readdirSync(siteDir).sort()) {
    if (/^ort[.-]/.test(name) || name === 'models') continue;   // ORT's runtime: ort.*, ort-wasm-*
    const p = path.join(siteDir, name);
    if (!fs.statSync(p).isFile()) continue;
    const bytes = fs.readFileSync(p);
    const z = zlib.gzipSync(bytes, { level: 9 }).length;
    files.push({ name, raw: bytes.length, gzip: z });
    raw += bytes.length;
    gzip += z;
  }
  return { files, raw, gzip };
}

// PerformanceObserver 'longtask' (tasks over 50 ms on the page's main thread), from page start;
// an init script: read window.__longTasks = [{start, duration}].
export function watchLongTasks() {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longTasks = null; }   // no Long Tasks API
}

// Long tasks that overlap [from, to) (performance.now() ms): {count, totalMs, maxMs}.
export function longTaskStats(tasks, from, to) {
  const inside = (tasks || []).filter((t) => t.start + t.duration > from && t.start < to);
  return {
    count: inside.length,
    totalMs: inside.reduce((a, t) => a + t.duration, 0),
    maxMs: inside.reduce((a, t) => Math.max(a, t.duration), 0),
  };
}

// Every requestAnimationFrame timestamp (performance.now() ms) from page start, for frame rates
// measured the way the browser paces them; an init script: read window.__frameTimes.
export function watchFrames() {
  const times = window.__frameTimes = [];
  const tick = (t) => {
    if (times.length < 200000) times.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

// Frame rate over the frames in [from, to] (performance.now() ms): {frames, seconds, meanFps
// (intervals / time spanned), p5Fps (1000 / the 95th-percentile interval: the slow frames),
// maxGapMs}.
export function frameStats(times, from, to) {
  const t = (times || []).filter((x) => x >= from && x <= to);
  const gaps = [];
  for (let i = 1; i < t.length; ++i) gaps.push(t[i] - t[i - 1]);
  if (!gaps.length) return { frames: t.length, seconds: 0, meanFps: 0, p5Fps: 0, maxGapMs: 0 };
  gaps.sort((a, b) => a - b);
  const span = t[t.length - 1] - t[0];
  const p95 = gaps[Math.min(gaps.length - 1, Math.floor(0.95 * gaps.length))];
  return { frames: t.length, seconds: span / 1000, meanFps: 1000 * gaps.length / span,
           p5Fps: 1000 / p95, maxGapMs: gaps[gaps.length - 1] };
}

// One line for the logs: "mean 58.9 fps, 5th percentile 55.2 fps over 11.0 s (649 frames)".
export function formatFrameStats(s) {
  return `mean ${s.meanFps.toFixed(1)} fps, 5th percentile ${s.p5Fps.toFixed(1)} fps over ` +
         `${s.seconds.toFixed(1)} s (${s.frames} frames, longest gap ${s.maxGapMs.toFixed(0)} ms)`;
}
