// fuzz_check.h — one helper for the libFuzzer targets in tests/fuzz: JAM_FUZZ_CHECK(cond, what)
// aborts with a message when a property every input must satisfy is broken, so libFuzzer
// records the input as a crash (like an ASan or UBSan report).
#pragma once

#include <cstdio>
#include <cstdlib>

#define JAM_FUZZ_CHECK(cond, what)                                                        \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, what);                                                          \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
