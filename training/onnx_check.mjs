// onnx_check.mjs — replay onnx_reference.json through model.onnx with onnxruntime-web (wasm EP)
// in node, the way the in-tab agent uses the KV-cache graph (see training/onnx_export.py).
//   node training/onnx_check.mjs models/<id>/model.onnx models/<id>/onnx_reference.json
// Prints one JSON line: max |logits - torch int8 reference|, argmax agreement with the f32 model.
import { createRequire } from 'module';
import { readFileSync } from 'fs';

const require = createRequire(process.cwd() + '/');
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;

const [onnxPath, refPath] = process.argv.slice(2);
const ref = JSON.parse(readFileSync(refPath, 'utf8'));
const session = await ort.InferenceSession.create(readFileSync(onnxPath), {
  executionProviders: ['wasm'],
});
const { n_layers: L, n_heads: H, head_dim: D } = ref;
let past = {};
for (let i = 0; i < L; i++) {
  for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = new ort.Tensor('float32', new Float32Array(0), [1, H, 0, D]);
}
let maxAbs = 0, agree = 0, ms = 0;
for (const step of ref.steps) {
  const toks = ref.tokens.slice(step.start, step.start + step.count).map(BigInt);
  const feeds = {
    tokens: new ort.Tensor('int64', BigInt64Array.from(toks), [1, toks.length]),
    start: new ort.Tensor('int64', BigInt64Array.from([BigInt(step.start)]), [1]),
    ...past,
  };
  const t0 = performance.now();
  const out = await session.run(feeds);
  ms += performance.now() - t0;
  const logits = out.logits.data;
  let best = 0;
  for (let j = 0; j < logits.length; j++) {
    maxAbs = Math.max(maxAbs, Math.abs(logits[j] - step.logits_int8[j]));
    if (logits[j] > logits[best]) best = j;
  }
  if (best === step.argmax_f32) agree++;
  const expectLen = step.start + step.count;
  if (out.present_k_0.dims[2] !== expectLen) throw new Error(`present length ${out.present_k_0.dims[2]} != ${expectLen}`);
  past = {};
  for (let i = 0; i < L; i++) {
    for (const kv of ['k', 'v']) past[`past_${kv}_${i}`] = out[`present_${kv}_${i}`];
  }
}
console.log(JSON.stringify({
  runtime: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm`, steps: ref.steps.length,
  max_abs_vs_torch_int8: Number(maxAbs.toExponential(3)),
  argmax_agree_with_f32: `${agree}/${ref.steps.length}`,
  ms_per_run: Number((ms / ref.steps.length).toFixed(2)),
}));
