// ort_agent.js — ONNX Runtime Web for the in-tab agent: loads a web model's KV-cache graph
// (training/onnx_export.py, docs/architecture.md "Web model") and runs it for OrtModel
// (wasm/src/ort_model.cpp), one KV cache ("context") per model instance.
//
//   const info = await jamOrt.load('online-web');   // {ep: 'webgpu'|'wasm', vocab: text, config}
//   const c = jamOrt.newContext();
//   const logits = await jamOrt.feed(c, BigInt64Array.of(1n, 263n), 0);   // Float32Array [V]
//   jamOrt.resetContext(c); jamOrt.dropContext(c);
//
// Loading: the execution provider is WebGPU when navigator.gpu.requestAdapter() yields an
// adapter (ORT's WebGPU build, ort.min.js + *.jsep.*), else WebAssembly (ort.wasm.min.js); both
// builds' files sit in the site root (ort.env.wasm.wasmPaths = './'). Threads when the page is
// cross-origin isolated (jam-server sends COOP/COEP). Files: models/<id>/{model.onnx, config.json,
// vocab.json} from the site (the wasm build copies them there, see wasm/CMakeLists.txt).
//
// Contexts: feed(c, tokens, start) runs tokens at positions start .. start+n-1 after dropping
// cached positions >= start (the graph drops them: the pasts are passed whole). On success the
// context holds start+n positions; on failure it is unchanged. Feeds on one context must not
// overlap (rejected). Back-to-back feeds (a plan) yield to the event loop after a time slice
// (a quarter of a frame interval), so the page renders between the runs of a plan. A context
// reset or dropped while its feed runs never sees that feed's result.
//
// jamOrt.info(): {status: 'idle'|'loading'|'ready'|'failed', ep, threads, error, modelId, loadMs,
// runs, runMs, sliceMs}. Also runs in node (tests): set globalThis.ort first and pass options.readFile.
(function (global) {
  'use strict';

  const ORT_WASM_SCRIPT = 'ort.wasm.min.js';
  const ORT_WEBGPU_SCRIPT = 'ort.min.js';

  // Time slicing (see feed): back-to-back runs hold the main thread at most sliceMs() at a time:
  // a quarter of the page's recent frame interval, at least 8 ms — on a fast machine the page
  // keeps its frame rate, on a starved one (frames of 200 ms) the model still gets a fair share
  // (~20%) instead of one 8 ms slice per frame.
  let frameMs = 16;         // moving average of the interval between animation frames
  let sliceStart = 0;
  let lastFeedEnd = -Infinity;
  const sliceMs = () => Math.min(50, Math.max(8, 0.25 * frameMs));
  if (typeof requestAnimationFrame !== 'undefined') {
    let last = 0;
    const tick = (t) => {
      if (last) frameMs = 0.9 * frameMs + 0.1 * Math.min(1000, t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  const info = {
    status: 'idle', ep: null, threads: 1, error: null, modelId: null, loadMs: null,
    runs: 0, runMs: 0,
  };
  let session = null;
  let shape = null;        // {layers, heads, headDim, vocabSize, maxLen}
  let loading = null;      // {modelId, promise}
  const contexts = new Map();
  let nextContext = 1;

  // Resolves in a new task (MessageChannel: no 4 ms timer clamp), letting the page render.
  // (In node, setImmediate: an open MessagePort would keep the process alive.)
  const channel = typeof document !== 'undefined' && typeof MessageChannel !== 'undefined'
                      ? new MessageChannel() : null;
  const yieldQueue = [];
  if (channel) channel.port1.onmessage = () => { const f = yieldQueue.shift(); if (f) f(); };
  function nextTask() {
    return new Promise((resolve) => {
      if (!channel) { (global.setImmediate || setTimeout)(resolve); return; }
      yieldQueue.push(resolve);
      channel.port2.postMessage(0);
    });
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(s);
    });
  }

  async function hasWebGpuAdapter() {
    try {
      if (!global.navigator || !navigator.gpu) return false;
      return !!(await navigator.gpu.requestAdapter());
    } catch (e) {
      return false;
    }
  }

  async function fetchFile(path, kind) {
    const r = await fetch(path, { cache: 'no-cache' });
    if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
    return kind === 'text' ? r.text() : new Uint8Array(await r.arrayBuffer());
  }

  function shapeFromConfig(config) {
    const m = config.model || config;
    const shapeOf = {
      layers: m.n_layers, heads: m.n_heads, headDim: m.d_model / m.n_heads,
      vocabSize: m.vocab_size, maxLen: m.max_len,
    };
    for (const [k, v] of Object.entries(shapeOf)) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`config.json: bad ${k} (${v})`);
    }
    if (m.arch && m.arch !== 'online') throw new Error(`config.json: arch ${m.arch} is not online`);
    return shapeOf;
  }

  // options: {readFile(name, kind) → Promise (node), ep: 'wasm'|'webgpu' (force), threads}.
  async function loadModel(modelId, options) {
    const t0 = performance.now();
    const base = `models/${modelId}/`;
    const read = options.readFile || ((name, kind) => fetchFile(base + name, kind).catch((e) => {
      if (name === 'model.onnx' && /HTTP 404/.test(e.message)) {
        throw new Error(`no web build of model ${modelId} (${base}model.onnx is not on the site)`);
      }
      throw e;
    }));
    const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
    let ep = options.ep || (isNode ? 'wasm' : (await hasWebGpuAdapter()) ? 'webgpu' : 'wasm');
    if (!global.ort) await loadScript(ep === 'webgpu' ? ORT_WEBGPU_SCRIPT : ORT_WASM_SCRIPT);
    const ort = global.ort;
    if (!ort || !ort.InferenceSession) throw new Error('ONNX Runtime Web did not load');
    if (!isNode) ort.env.wasm.wasmPaths = './';
    const isolated = !!global.crossOriginIsolated;
    const cores = (global.navigator && navigator.hardwareConcurrency) || 1;
    // ORT's own default (half the cores, at most 4): its pool threads spin while they wait,
    // and the page's rendering needs a core too.
    info.threads = options.threads || (isolated ? Math.max(1, Math.min(4, Math.ceil(cores / 2))) : 1);
    ort.env.wasm.numThreads = info.threads;
    // No ORT proxy worker: measured, it is slower here — every run then needs a main-thread
    // task for its result, while time slicing (feed) runs several per task.

    const [bytes, configText, vocabText] = await Promise.all([
      read('model.onnx', 'bytes'), read('config.json', 'text'), read('vocab.json', 'text')]);
    const config = JSON.parse(configText);
    const s = shapeFromConfig(config);
    let sess = null;
    if (ep === 'webgpu') {
      try {
        sess = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      } catch (e) {
        console.warn(`in-tab agent: WebGPU session failed (${e && e.message}); using wasm`);
        ep = 'wasm';
      }
    }
    if (!sess) sess = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const want = ['tokens', 'start'];
    for (let i = 0; i < s.layers; ++i) want.push(`past_k_${i}`, `past_v_${i}`);
    for (const name of want) {
      if (!sess.inputNames.includes(name)) throw new Error(`model.onnx has no input ${name}`);
    }
    session = sess;
    shape = s;
    contexts.clear();
    Object.assign(info, { status: 'ready', ep, error: null, modelId,
                          loadMs: performance.now() - t0 });
    return { ep, config, vocab: vocabText, modelId, loadMs: info.loadMs, threads: info.threads };
  }

  function load(modelId, options = {}) {
    if (loading && loading.modelId === modelId) return loading.promise;
    Object.assign(info, { status: 'loading', modelId, error: null, ep: null });
    session = null;
    const promise = loadModel(modelId, options).catch((e) => {
      if (loading && loading.promise === promise) loading = null;
      Object.assign(info, { status: 'failed', error: String((e && e.message) || e) });
      throw e;
    });
    loading = { modelId, promise };
    return promise;
  }

  function emptyPasts() {
    const past = {};
    for (let i = 0; i < shape.layers; ++i) {
      for (const kv of ['k', 'v']) {
        past[`past_${kv}_${i}`] =
            new global.ort.Tensor('float32', new Float32Array(0), [1, shape.heads, 0, shape.headDim]);
      }
    }
    return past;
  }

  function newContext() {
    if (!session) throw new Error('no model loaded');
    const id = nextContext++;
    contexts.set(id, { past: emptyPasts(), length: 0, busy: false, epoch: 0 });
    return id;
  }

  function resetContext(id) {
    const c = contexts.get(id);
    if (!c) return;
    c.past = emptyPasts();
    c.length = 0;
    c.busy = false;
    c.epoch++;
  }

  function dropContext(id) {
    const c = contexts.get(id);
    if (c) c.epoch++;
    contexts.delete(id);
  }

  async function feed(id, tokens, start) {
    const c = contexts.get(id);
    if (!c) throw new Error(`no context ${id}`);
    if (c.busy) throw new Error('a feed is already running on this context');
    const n = tokens.length;
    if (n === 0 || start < 0 || start > c.length || start + n > shape.maxLen) {
      throw new Error(`bad feed: ${n} tokens at ${start} (cached ${c.length}, max ${shape.maxLen})`);
    }
    const ort = global.ort;
    const feeds = Object.assign({
      tokens: new ort.Tensor('int64', tokens, [1, n]),
      start: new ort.Tensor('int64', BigInt64Array.of(BigInt(start)), [1]),
    }, c.past);
    const epoch = c.epoch;
    c.busy = true;
    const t0 = performance.now();
    let out;
    try {
      out = await session.run(feeds);
    } finally {
      if (c.epoch === epoch) c.busy = false;
    }
    const t1 = performance.now();
    info.runs++;
    info.runMs += t1 - t0;
    // Time slicing: a burst of feeds (a plan: one run per sampled token, each continuation
    // starting the next) yields to the event loop once it has held the thread sliceMs(), so the
    // page renders in between without paying a task switch per run.
    if (t0 - lastFeedEnd > 1) sliceStart = t0;   // a new burst
    lastFeedEnd = t1;
    if (t1 - sliceStart >= sliceMs()) {
      await nextTask();
      sliceStart = lastFeedEnd = performance.now();
    }
    if (c.epoch !== epoch || contexts.get(id) !== c) throw new Error('context reset during the feed');
    const past = {};
    for (let i = 0; i < shape.layers; ++i) {
      for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = out[`present_${kv}_${i}`];
    }
    if (past.past_k_0.dims[2] !== start + n) {
      throw new Error(`present length ${past.past_k_0.dims[2]} != ${start + n}`);
    }
    c.past = past;
    c.length = start + n;
    return out.logits.data;
  }

  global.jamOrt = {
    load, newContext, resetContext, dropContext, feed,
    hasContext: (id) => contexts.has(id),
    info: () => Object.assign({ sliceMs: sliceMs() }, info),
    shape: () => (shape ? Object.assign({}, shape) : null),
    plans: [],   // the TabAgent appends {ms, waitMs, fed, reused, frame, ok} per answered plan
  };
})(globalThis);
