# libFuzzer targets (tests/fuzz), on with -DJAM_FUZZ=ON: clang only, native only, in their own
# build tree (preset `fuzz`, build/fuzz). Everything in that tree — jam_core included — is built
# with coverage instrumentation plus ASan+UBSan (UB aborts, so libFuzzer reports it as a crash).
#
#   jam_add_fuzzer(NAME fuzz_x SOURCES fuzz_x.cpp LIBS jam_core CORPUS <dir>... [DICT file])
# builds fuzz_x (target list: `jam_fuzzers`) and registers a CTest smoke run labelled "fuzz":
# JAM_FUZZ_SMOKE_SECONDS of fuzzing from the seed corpora, failing on any crash, leak or UB.
option(JAM_FUZZ "Build the libFuzzer targets in tests/fuzz (clang, native only)" OFF)
set(JAM_FUZZ_SMOKE_SECONDS 6 CACHE STRING "Seconds each fuzzer runs in its CTest smoke test")

if(NOT JAM_FUZZ)
  return()
endif()
if(EMSCRIPTEN OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "JAM_FUZZ needs clang (libFuzzer): configure with the `fuzz` preset "
                      "(CMAKE_CXX_COMPILER=clang++)")
endif()
if(JAM_SANITIZE)
  message(FATAL_ERROR "JAM_FUZZ already enables ASan+UBSan; leave JAM_SANITIZE off")
endif()

add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=undefined)
add_link_options(-fsanitize=address,undefined)
add_custom_target(jam_fuzzers)

function(jam_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;DICT" "SOURCES;LIBS;CORPUS" ${ARGN})
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  jam_target_defaults(${F_NAME})
  set_target_properties(${F_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz/bin)
  add_dependencies(jam_fuzzers ${F_NAME})

  # Smoke run: new inputs go to a scratch corpus in the build tree (the first directory);
  # the seed directories are only read. A crash input is written to fuzz/artifacts/.
  set(scratch ${CMAKE_BINARY_DIR}/fuzz/smoke/${F_NAME})
  set(artifacts ${CMAKE_BINARY_DIR}/fuzz/artifacts/)
  file(MAKE_DIRECTORY ${scratch} ${artifacts})
  file(MAKE_DIRECTORY ${F_CORPUS})  # libFuzzer refuses a missing corpus directory
  set(dict "")
  if(F_DICT)
    set(dict -dict=${F_DICT})
  endif()
  add_test(NAME ${F_NAME}_smoke
           COMMAND ${F_NAME} -max_total_time=${JAM_FUZZ_SMOKE_SECONDS} -timeout=10
                   -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=${artifacts} ${dict}
                   ${scratch} ${F_CORPUS}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # Loading a large seed corpus on a busy machine can take a minute on top of the fuzzing time.
  math(EXPR smoke_timeout "${JAM_FUZZ_SMOKE_SECONDS} * 2 + 120")
  set_tests_properties(${F_NAME}_smoke PROPERTIES LABELS fuzz TIMEOUT ${smoke_timeout}
                       ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endfunction()
