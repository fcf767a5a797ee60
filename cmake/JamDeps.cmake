# Third-party dependencies, all from Debian packages (installed by ./jam's bootstrap).
# Header-only libraries are exposed to em++ through a folder of symlinks: never -I/usr/include.
set(JAM_SYSTEM_SHIM ${CMAKE_BINARY_DIR}/_deps/include)
file(MAKE_DIRECTORY ${JAM_SYSTEM_SHIM})
foreach(dir nlohmann boost)
  if(NOT EXISTS ${JAM_SYSTEM_SHIM}/${dir} AND EXISTS /usr/include/${dir})
    file(CREATE_LINK /usr/include/${dir} ${JAM_SYSTEM_SHIM}/${dir} SYMBOLIC)
  endif()
endforeach()
add_library(jam_thirdparty_headers INTERFACE)
target_include_directories(jam_thirdparty_headers SYSTEM INTERFACE ${JAM_SYSTEM_SHIM})

# GoogleTest from Debian's sources, built with our own flags (native, sanitized or wasm).
if(NOT TARGET gtest)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  if(EMSCRIPTEN)
    set(gtest_disable_pthreads ON CACHE BOOL "" FORCE)  # node runs the tests single-threaded
  endif()
  add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
endif()
