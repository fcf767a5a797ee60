// ort_agent.js — the page's handle on the in-tab agent's model: ONNX Runtime Web runs a web
// model's KV-cache graph (docs/architecture.md "Web model") for OrtModel (wasm/src/ort_model.cpp),
// one KV cache ("context") per model instance — but never on the page's main thread: in the
// browser every run happens in a dedicated Web Worker (ort_worker.js + ort_engine.js), and the
// page only posts tokens and receives one row of logits per run. So the UI keeps its frame rate
// however long a plan takes.
//
//   const info = await jamOrt.load('online-web');   // {ep: 'webgpu'|'wasm', vocab: text, config}
//   const c = jamOrt.newContext();
//   const logits = await jamOrt.feed(c, BigInt64Array.of(1n, 263n), 0);   // Float32Array [V]
//   jamOrt.resetContext(c); jamOrt.dropContext(c);
//
// Execution provider: WebGPU when navigator.gpu.requestAdapter() yields an adapter (the worker
// then loads ORT's WebGPU build, ort.min.js + *.jsep.*, and falls back to wasm if the session
// cannot be created), else WebAssembly (ort.wasm.min.js). info().adapter says what the page saw:
// 'found', 'none' (requestAdapter gave null), 'no-webgpu' (no navigator.gpu) or 'error'. Threads
// inside the worker when the page is cross-origin isolated (jam-server sends COOP/COEP). Files:
// models/<id>/{model.onnx, config.json, vocab.json} from the site (the wasm build copies them).
//
// Contexts: feed(c, tokens, start) runs tokens at positions start .. start+n-1 after dropping
// cached positions >= start. On success the context holds start+n positions; on failure it is
// unchanged. Feeds on one context must not overlap (rejected). A context reset or dropped while
// its feed runs never sees that feed's result (the promise rejects).
//
// jamOrt.info(): {status: 'idle'|'loading'|'ready'|'failed', ep, adapter, threads, worker, error,
// modelId, loadMs, runs, runMs (time inside session.run, in the worker), rtMs (page-side time of
// all feeds: run + messaging)}. In node (tests) there is no worker: set globalThis.ort first and
// pass options.readFile; the engine then runs in-process.
(function (global) {
  'use strict';

  const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node) &&
                 typeof document === 'undefined';

  const info = {
    status: 'idle', ep: null, adapter: null, threads: 1, worker: false, error: null, modelId: null,
    loadMs: null, runs: 0, runMs: 0, rtMs: 0,
  };
  let shape = null;        // {layers, heads, headDim, vocabSize, maxLen} of the loaded model
  let loading = null;      // {modelId, promise}
  const contexts = new Map();   // id → {busy, epoch}
  let nextContext = 1;

  // --- Transport: the worker (browser) or the engine in-process (node).
  let worker = null;
  let engine = null;       // in-process engine (node)
  let nextSeq = 1;
  const pending = new Map();    // seq → {resolve, reject}

  function failAll(why) {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  }

  function startWorker() {
    if (worker) return worker;
    worker = new Worker('ort_worker.js');
    worker.onmessage = (event) => {
      const m = event.data;
      const p = pending.get(m.seq);
      if (!p) return;
      pending.delete(m.seq);
      if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const why = `inference worker: ${event.message || 'failed'}`;
      worker.terminate();
      worker = null;
      Object.assign(info, { status: 'failed', error: why });
      loading = null;
      failAll(why);
    };
    return worker;
  }

  function call(msg) {
    return new Promise((resolve, reject) => {
      const seq = nextSeq++;
      pending.set(seq, { resolve, reject });
      worker.postMessage(Object.assign({ seq }, msg));
    });
  }

  function post(msg) {
    if (engine) {
      if (msg.op === 'new') engine.newContext(msg.id);
      else if (msg.op === 'reset') engine.resetContext(msg.id);
      else if (msg.op === 'drop') engine.dropContext(msg.id);
    } else if (worker) {
      worker.postMessage(msg);
    }
  }

  // 'found' | 'none' | 'no-webgpu' | 'error'.
  async function probeWebGpu() {
    try {
      if (!global.navigator || !navigator.gpu) return 'no-webgpu';
      return (await navigator.gpu.requestAdapter()) ? 'found' : 'none';
    } catch (e) {
      return 'error';
    }
  }

  // options: {readFile(name, kind) → Promise (node), ep: 'wasm'|'webgpu' (force), threads}.
  async function loadModel(modelId, options) {
    const t0 = performance.now();
    const adapter = options.ep ? 'forced' : isNode ? 'no-webgpu' : await probeWebGpu();
    const ep = options.ep || (adapter === 'found' ? 'webgpu' : 'wasm');
    const isolated = !!global.crossOriginIsolated;
    const cores = (global.navigator && navigator.hardwareConcurrency) || 1;
    // ORT's own default (half the cores, at most 4): its pool threads spin while they wait.
    const threads = options.threads || (isolated ? Math.max(1, Math.min(4, Math.ceil(cores / 2))) : 1);
    let result;
    if (isNode || options.readFile) {
      if (!global.ort || !global.ort.InferenceSession) throw new Error('ONNX Runtime Web is not loaded');
      if (!global.jamOrtEngine) require('./ort_engine.js');
      if (!engine) engine = global.jamOrtEngine.create(global.ort);
      result = await engine.load(modelId, { ep, threads, readFile: options.readFile });
    } else {
      startWorker();
      result = (await call({ op: 'load', modelId, ep, threads })).result;
    }
    if (result.fallback) console.warn(`in-tab agent: ${result.fallback}`);
    shape = result.shape;
    contexts.clear();
    Object.assign(info, { status: 'ready', ep: result.ep, adapter, threads: result.threads,
                          worker: !engine, error: null, modelId, loadMs: performance.now() - t0 });
    return { ep: result.ep, config: result.config, vocab: result.vocab, modelId,
             loadMs: info.loadMs, threads: result.threads };
  }

  function load(modelId, options = {}) {
    if (loading && loading.modelId === modelId) return loading.promise;
    Object.assign(info, { status: 'loading', modelId, error: null, ep: null });
    shape = null;
    const promise = loadModel(modelId, options).catch((e) => {
      if (loading && loading.promise === promise) loading = null;
      Object.assign(info, { status: 'failed', error: String((e && e.message) || e) });
      throw e;
    });
    loading = { modelId, promise };
    return promise;
  }

  function newContext() {
    if (!shape || info.status !== 'ready') throw new Error('no model loaded');
    const id = nextContext++;
    contexts.set(id, { busy: false, epoch: 0 });
    post({ op: 'new', id });
    return id;
  }

  function resetContext(id) {
    const c = contexts.get(id);
    if (!c) return;
    c.busy = false;
    c.epoch++;
    post({ op: 'reset', id });
  }

  function dropContext(id) {
    const c = contexts.get(id);
    if (c) c.epoch++;
    contexts.delete(id);
    post({ op: 'drop', id });
  }

  async function feed(id, tokens, start) {
    const c = contexts.get(id);
    if (!c) throw new Error(`no context ${id}`);
    if (c.busy) throw new Error('a feed is already running on this context');
    const epoch = c.epoch;
    c.busy = true;
    const t0 = performance.now();
    let logits;
    try {
      if (engine) {
        const before = engine.stats();
        logits = await engine.feed(id, tokens, start);
        const after = engine.stats();
        info.runs += after.runs - before.runs;
        info.runMs += after.runMs - before.runMs;
      } else {
        const m = await call({ op: 'feed', id, tokens, start });
        logits = m.logits;
        info.runs = m.runs;
        info.runMs = m.runMs;
      }
    } finally {
      if (c.epoch === epoch) c.busy = false;
    }
    info.rtMs += performance.now() - t0;
    if (c.epoch !== epoch || contexts.get(id) !== c) throw new Error('context reset during the feed');
    return logits;
  }

  global.jamOrt = {
    load, newContext, resetContext, dropContext, feed,
    hasContext: (id) => contexts.has(id),
    info: () => Object.assign({}, info),
    shape: () => (shape ? Object.assign({}, shape) : null),
    plans: [],   // the TabAgent appends {ms, waitMs, fed, reused, frame, ok} per answered plan
  };
})(globalThis);
