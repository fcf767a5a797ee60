// onnx_check.mjs — the ONNX graphs of training/onnx_export.py run with onnxruntime-web (wasm EP) in
// node, fed the way the in-tab agent feeds them (KV caches passed back as pasts).
//
//   node training/onnx_check.mjs --models models          # every models/<id>/ with ONNX graphs
//   node training/onnx_check.mjs --model models/rl-m      # one model folder
//   node training/onnx_check.mjs model.onnx onnx_reference.json   # one online graph vs reference
//
// --model / --models: golden.json (the float64 PyTorch logits of the weights in model.jamw, which
// the graphs hold as the same int8 values) is replayed in chunks: a prefill, single steps and a
// re-feed over cached positions (entries >= start are dropped inside the graph). Each chunk ends on
// a golden row (online graphs output the last position only); the offline decoder returns every
// fed position, and its encoder runs once over the melody. Checked, with golden.json's tolerance
// (1e-4, the engines' tolerance):
//   - |logits - golden| at every golden row (all rows must be reached),
//   - |max logit - golden max_logit| at every checked position, and the argmax equals golden's
//     unless the two logits are within 2 x tolerance (a near-tie),
//   - present_* lengths = start + count,
//   - online graphs with an onnx_reference.json: its chunked feed, |logits - reference| <= 1e-4.
// Prints one JSON line per model and a summary line; exit code 1 when any check fails.
// The 2-argument form prints one JSON line (what onnx_export.run_node_check reads).
import { createRequire } from 'module';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import path from 'path';

const require = createRequire(process.cwd() + '/');
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;
const RUNTIME = `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm`;
const REFERENCE_TOLERANCE = 1e-4;

const i64 = (xs) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
const start1 = (s) => new ort.Tensor('int64', BigInt64Array.from([BigInt(s)]), [1]);
const load = (p) => ort.InferenceSession.create(readFileSync(p), { executionProviders: ['wasm'] });

function emptyPast(L, H, D) {
  const past = {};
  for (let i = 0; i < L; i++) {
    for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = new ort.Tensor('float32', new Float32Array(0), [1, H, 0, D]);
  }
  return past;
}

function presentsAsPast(out, L) {
  const past = {};
  for (let i = 0; i < L; i++) {
    for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = out[`present_${kv}_${i}`];
  }
  return past;
}

// Cache shape [1, H, P, D] of past_k_0 from the graph's input metadata is not exposed by every ORT
// build, so it comes from config.json (n_heads, d_model).
function kvShape(conf) {
  const m = conf.model;
  return { H: m.n_heads, D: m.d_model / m.n_heads, L: m.n_layers };
}

// (start, count) runs over n positions, each ending on a golden row: a one-token prefill, then per
// row alternately one chunk, a chunk + a single step, and a chunk + a re-feed of the last 4.
function goldenPlan(rows, n) {
  const plan = [];
  let end = 0;
  rows.forEach((p, k) => {
    if (p < end) return;
    if (k % 3 === 1 && p > end) {
      plan.push([end, p - end], [p, 1]);
    } else {
      plan.push([end, p + 1 - end]);
      if (k % 3 === 2 && p >= 4) plan.push([p - 3, 4]);
    }
    end = p + 1;
  });
  if (end < n) plan.push([end, n - end]);
  return plan.filter(([, c]) => c > 0);
}

class Tally {
  constructor(golden) {
    this.g = golden;
    this.tol = golden.tolerance;
    this.rows = new Map(golden.rows.map((r) => [r.position, r.logits]));
    this.seen = new Set();
    this.maxAbs = 0;
    this.maxLogitAbs = 0;
    this.positions = 0;
    this.argmaxAgree = 0;
    this.failures = [];
  }

  // logits of one position (a Float32Array slice of length V)
  check(pos, logits) {
    const want = this.rows.get(pos);
    if (want) {
      let worst = 0;
      for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(logits[j] - want[j]));
      this.maxAbs = Math.max(this.maxAbs, worst);
      this.seen.add(pos);
      if (want.length !== logits.length) this.failures.push(`position ${pos}: ${logits.length} logits, golden has ${want.length}`);
      if (!(worst <= this.tol)) this.failures.push(`position ${pos}: |logits - golden| = ${worst.toExponential(3)}`);
    }
    let best = 0;
    for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
    this.positions++;
    const dMax = Math.abs(logits[best] - this.g.max_logit[pos]);
    this.maxLogitAbs = Math.max(this.maxLogitAbs, dMax);
    if (!(dMax <= this.tol)) this.failures.push(`position ${pos}: |max logit - golden| = ${dMax.toExponential(3)}`);
    const gArg = this.g.argmax[pos];
    if (best === gArg) this.argmaxAgree++;
    else if (logits[best] - logits[gArg] > 2 * this.tol) this.failures.push(`position ${pos}: argmax ${best} != golden ${gArg}`);
  }

  result() {
    if (this.seen.size !== this.rows.size) this.failures.push(`reached ${this.seen.size} of ${this.rows.size} golden rows`);
    return {
      golden_rows: this.seen.size, golden_max_abs: Number(this.maxAbs.toExponential(3)),
      max_logit_max_abs: Number(this.maxLogitAbs.toExponential(3)),
      argmax_agree: `${this.argmaxAgree}/${this.positions}`, tolerance: this.tol,
    };
  }
}

async function timedRun(session, feeds, stats) {
  const t0 = performance.now();
  const out = await session.run(feeds);
  stats.ms += performance.now() - t0;
  stats.runs++;
  return out;
}

function checkPresent(out, expect, failures, what) {
  const got = out.present_k_0.dims[2];
  if (got !== expect) failures.push(`${what}: present length ${got} != ${expect}`);
}

async function checkOnline(dir, conf, golden) {
  const { H, D, L } = kvShape(conf);
  const session = await load(path.join(dir, 'model.onnx'));
  const tally = new Tally(golden);
  const toks = golden.tokens;
  const plan = goldenPlan(golden.rows.map((r) => r.position), toks.length);
  const stats = { ms: 0, runs: 0 };
  let past = emptyPast(L, H, D);
  for (const [start, count] of plan) {
    const out = await timedRun(session, {
      tokens: i64(toks.slice(start, start + count)), start: start1(start), ...past,
    }, stats);
    checkPresent(out, start + count, tally.failures, `run (${start}, ${count})`);
    tally.check(start + count - 1, out.logits.data);
    past = presentsAsPast(out, L);
  }
  const res = { ...tally.result(), golden_runs: plan.length };
  const refPath = path.join(dir, 'onnx_reference.json');
  if (existsSync(refPath)) {
    const ref = checkReferenceWith(session, JSON.parse(readFileSync(refPath, 'utf8')), stats);
    Object.assign(res, await ref);
    if (!(res.reference_max_abs <= REFERENCE_TOLERANCE)) tally.failures.push(`onnx_reference.json: max |d| ${res.reference_max_abs}`);
  }
  return { ...res, ms_per_run: Number((stats.ms / stats.runs).toFixed(2)), failures: tally.failures };
}

async function checkOffline(dir, conf, golden) {
  const { H, D, L } = kvShape(conf);
  const V = golden.vocab_size;
  const enc = await load(path.join(dir, 'model_encoder.onnx'));
  const dec = await load(path.join(dir, 'model_decoder.onnx'));
  const tally = new Tally(golden);
  const stats = { ms: 0, runs: 0 };
  const t0 = performance.now();
  const { memory } = await enc.run({ melody: i64(golden.melody) });
  const encoderMs = performance.now() - t0;
  if (memory.dims[1] !== golden.melody.length || memory.dims[2] !== conf.model.d_model) {
    tally.failures.push(`memory dims ${memory.dims}`);
  }
  const cin = golden.chord_in;
  const plan = goldenPlan(golden.rows.map((r) => r.position), cin.length);
  let past = emptyPast(L, H, D);
  for (const [start, count] of plan) {
    const out = await timedRun(dec, {
      chord_in: i64(cin.slice(start, start + count)), start: start1(start), memory, ...past,
    }, stats);
    checkPresent(out, start + count, tally.failures, `run (${start}, ${count})`);
    if (out.logits.dims[1] !== count) tally.failures.push(`logits rows ${out.logits.dims[1]} != ${count}`);
    for (let r = 0; r < count; r++) tally.check(start + r, out.logits.data.subarray(r * V, (r + 1) * V));
    past = presentsAsPast(out, L);
  }
  return {
    ...tally.result(), golden_runs: plan.length, encoder_ms: Number(encoderMs.toFixed(1)),
    ms_per_run: Number((stats.ms / stats.runs).toFixed(2)), failures: tally.failures,
  };
}

// onnx_reference.json (written by onnx_export.export_onnx): a chunked feed with the int8 model's
// PyTorch logits of each chunk's last position.
async function checkReferenceWith(session, ref, stats) {
  const { n_layers: L, n_heads: H, head_dim: D } = ref;
  let past = emptyPast(L, H, D);
  let maxAbs = 0, agree = 0;
  for (const step of ref.steps) {
    const out = await timedRun(session, {
      tokens: i64(ref.tokens.slice(step.start, step.start + step.count)), start: start1(step.start), ...past,
    }, stats);
    const logits = out.logits.data;
    let best = 0;
    for (let j = 0; j < logits.length; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(logits[j] - step.logits_int8[j]));
      if (logits[j] > logits[best]) best = j;
    }
    if (best === step.argmax_f32) agree++;
    const expectLen = step.start + step.count;
    if (out.present_k_0.dims[2] !== expectLen) throw new Error(`present length ${out.present_k_0.dims[2]} != ${expectLen}`);
    past = presentsAsPast(out, L);
  }
  return {
    reference_steps: ref.steps.length, reference_max_abs: Number(maxAbs.toExponential(3)),
    reference_argmax_agree_with_f32: `${agree}/${ref.steps.length}`,
  };
}

const hasGraphs = (dir) => existsSync(path.join(dir, 'model.onnx')) || existsSync(path.join(dir, 'model_encoder.onnx'));

async function checkModel(dir) {
  const id = path.basename(path.resolve(dir));
  const base = { model: id, runtime: RUNTIME };
  try {
    const conf = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const golden = JSON.parse(readFileSync(path.join(dir, 'golden.json'), 'utf8'));
    const offline = existsSync(path.join(dir, 'model_encoder.onnx'));
    const files = offline ? ['model_encoder.onnx', 'model_decoder.onnx'] : ['model.onnx'];
    const bytes = files.reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
    if ((golden.arch === 'offline') !== offline) throw new Error(`golden.json is ${golden.arch}, graphs are ${files}`);
    const res = offline ? await checkOffline(dir, conf, golden) : await checkOnline(dir, conf, golden);
    return { ...base, arch: golden.arch, bytes, ok: res.failures.length === 0, ...res };
  } catch (e) {
    return { ...base, ok: false, failures: [String(e?.stack ?? e)] };
  }
}

const args = process.argv.slice(2);
if (args[0] === '--models' || args[0] === '--model') {
  const dirs = args[0] === '--model' ? args.slice(1)
    : readdirSync(args[1]).map((d) => path.join(args[1], d)).filter((d) => statSync(d).isDirectory() && hasGraphs(d)).sort();
  if (dirs.length === 0) {
    console.log(JSON.stringify({ ok: false, failures: [`no ONNX graphs under ${args[1]}`] }));
    process.exit(1);
  }
  const results = [];
  for (const d of dirs) {
    const r = await checkModel(d);
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const bad = results.filter((r) => !r.ok).map((r) => r.model);
  if (dirs.length > 1) {
    console.log(JSON.stringify({ ok: bad.length === 0, models: results.length, failed: bad,
      worst_golden_max_abs: Math.max(...results.map((r) => r.golden_max_abs ?? NaN)) }));
  }
  process.exit(bad.length ? 1 : 0);
} else {
  const [onnxPath, refPath] = args;
  const session = await load(onnxPath);
  const stats = { ms: 0, runs: 0 };
  const r = await checkReferenceWith(session, JSON.parse(readFileSync(refPath, 'utf8')), stats);
  console.log(JSON.stringify({
    runtime: RUNTIME, steps: r.reference_steps, max_abs_vs_torch_int8: r.reference_max_abs,
    argmax_agree_with_f32: r.reference_argmax_agree_with_f32,
    ms_per_run: Number((stats.ms / stats.runs).toFixed(2)),
  }));
}
