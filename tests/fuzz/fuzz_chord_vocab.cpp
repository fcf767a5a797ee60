// fuzz_chord_vocab.cpp — libFuzzer target for the vocab.json loader (jam::ChordVocab::from_json,
// core/include/jam/chord_vocab.h). Input: any bytes, read as vocab.json.
// Properties: from_json never crashes or throws; for a vocabulary it accepts, every chord has a
// name and a voicing in MIDI 0..127, mapping works, and to_json -> from_json keeps the hash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "jam/chord_vocab.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  jam::Result<jam::ChordVocab> vocab = jam::ChordVocab::from_json(text);
  if (!vocab) return 0;

  for (int id = 0; id < vocab->size(); ++id) {
    const jam::ChordInfo& c = vocab->chord(id);
    for (int key : vocab->voicing(id)) JAM_FUZZ_CHECK(key >= 0 && key <= 127, "voicing key");
    (void)vocab->transpose(id, 5);
    (void)vocab->event(id, 0, 4);
    JAM_FUZZ_CHECK(vocab->map(c.root, c.intervals, c.inversion) >= 0, "a chord maps");
  }
  (void)vocab->map(0, {4, 3}, 0);
  (void)vocab->map(7, {4, 3, 3}, 1);
  jam::Result<jam::ChordVocab> again = jam::ChordVocab::from_json(vocab->to_json());
  JAM_FUZZ_CHECK(again.ok(), again.error().c_str());
  JAM_FUZZ_CHECK(again->hash() == vocab->hash(), "to_json round trip keeps the hash");
  return 0;
}
