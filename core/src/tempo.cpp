// tempo.cpp — TempoMap is header-only (constexpr-friendly arithmetic); this file keeps the
// one-concept-per-pair layout and checks the header compiles on its own.
#include "jam/tempo.h"
