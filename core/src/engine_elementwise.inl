// engine_elementwise.inl (private to jam_core) — the element-wise kernels' bodies, included by
// engine_kernels.cpp once per instruction set (inside a namespace and a `#pragma GCC target`).
// Written so compilers vectorize them: no float reduction runs across a loop (sums and maxima go
// through 8 explicit partials), so results do not depend on -ffast-math.
// No include guard on purpose.

void rmsnorm(const float* x, const float* w, int d, float eps, float* y) {
  float part[8] = {};
  int i = 0;
  for (; i + 8 <= d; i += 8)
    for (int j = 0; j < 8; ++j) part[j] += x[i + j] * x[i + j];
  float ss = 0.0f;
  for (; i < d; ++i) ss += x[i] * x[i];
  for (float p : part) ss += p;
  const float inv = 1.0f / std::sqrt(ss / static_cast<float>(d) + eps);
  for (int k = 0; k < d; ++k) y[k] = x[k] * inv * w[k];
}

void softmax(float* s, int n) {
  float part[8];
  for (float& p : part) p = s[0];
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) part[j] = s[i + j] > part[j] ? s[i + j] : part[j];
  float mx = s[0];
  for (; i < n; ++i) mx = s[i] > mx ? s[i] : mx;
  for (float p : part) mx = p > mx ? p : mx;
  for (int k = 0; k < n; ++k) s[k] = fast_exp(s[k] - mx);
  float sums[8] = {};
  i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) sums[j] += s[i + j];
  float sum = 0.0f;
  for (; i < n; ++i) sum += s[i];
  for (float p : sums) sum += p;
  const float inv = 1.0f / sum;
  for (int k = 0; k < n; ++k) s[k] *= inv;
}

void swiglu(const float* a, const float* b, float* out, int n) {
  for (int i = 0; i < n; ++i) out[i] = a[i] / (1.0f + fast_exp(-a[i])) * b[i];
}
