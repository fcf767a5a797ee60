# jam_add_test(NAME name SOURCES ... LIBS ... LABELS ...)
# A GoogleTest program. In the native tree it runs natively; in the wasm tree it is compiled to
# name.js, and the native tree (given JAM_WASM_BUILD_DIR) also runs that under node, labelled "wasm".
function(jam_add_test)
  cmake_parse_arguments(T "WASM" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} gtest gtest_main)
  jam_target_defaults(${T_NAME})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bin)
  if(EMSCRIPTEN)
    # -O1 at link: wasm-opt at -O3 dominates the build time of test programs and buys them nothing.
    target_link_options(${T_NAME} PRIVATE -O1 -sWASM_ASYNC_COMPILATION=0 -sALLOW_MEMORY_GROWTH=1
      -sNODERAWFS=1 -sEXIT_RUNTIME=1)
    return()
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  if(T_WASM AND JAM_WASM_BUILD_DIR)
    add_test(NAME wasm_${T_NAME}
      COMMAND node ${JAM_WASM_BUILD_DIR}/tests/bin/${T_NAME}.js
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(wasm_${T_NAME} PROPERTIES LABELS "wasm;${T_LABELS}")
  endif()
endfunction()
