# Compiler flags shared by every jam_ target: warnings, -Werror in CI, sanitizers.
function(jam_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict positives inside std::string concatenation (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(JAM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(JAM_SANITIZE AND NOT EMSCRIPTEN)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer (preset native-tsan, build/tsan): for the server's concurrency tests. TSan
# cannot be combined with ASan, so it is a tree of its own.
option(JAM_TSAN "Build with ThreadSanitizer (native only; not with JAM_SANITIZE)" OFF)
if(JAM_TSAN AND NOT EMSCRIPTEN)
  if(JAM_SANITIZE)
    message(FATAL_ERROR "JAM_TSAN and JAM_SANITIZE (ASan) cannot be combined")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

if(EMSCRIPTEN)
  # emcc 3.1.6 links that run in parallel can corrupt each other's output: one link at a time.
  set_property(GLOBAL APPEND PROPERTY JOB_POOLS jam_link_pool=1)
  set(CMAKE_JOB_POOL_LINK jam_link_pool)
  # Exceptions are used only at the edges (JSON parsing); without this flag a throw aborts.
  add_compile_options(-fexceptions)
  add_link_options(-fexceptions)
endif()
