# ctest helper for jamtool_harmonize: harmonize a MIDI melody with the tiny offline model, then read
# the output back with `jamtool midi` and check that it holds the melody and the chords.
execute_process(
  COMMAND ${JAMTOOL} harmonize tests/fuzz/corpus/midi/song_44_480.mid ${OUT}
          --models tests/data --model tiny_offline --window 32 --overlap 8 --seed 3
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"songs\": 1, \"failed\": 0, \"frames\": 65, .*\"windows\": 3")
  message(FATAL_ERROR "harmonize failed (${rc}): ${out} ${err}")
endif()
execute_process(COMMAND ${JAMTOOL} midi ${OUT} ${OUT}.jsonl
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "[1-9][0-9]* notes, [1-9][0-9]* chords, 65 frames")
  message(FATAL_ERROR "reading the harmonized file back failed (${rc}): ${err}")
endif()
message(STATUS "${err}")
