# Fails if any file under core/ includes a platform header (sockets, threads, clocks, files,
# emscripten, Boost.Asio, ImGui, GL). Run: cmake -DROOT=core -P check_platform_free.cmake
file(GLOB_RECURSE files ${ROOT}/*.h ${ROOT}/*.cpp)
set(forbidden
  "emscripten" "boost/asio" "boost/beast" "imgui" "GLFW" "GLES" "<thread>" "<mutex>" "<chrono>"
  "<fstream>" "<filesystem>" "<cstdio>" "<stdio.h>" "<iostream>" "<sys/" "<unistd.h>" "<pthread.h>"
  "<condition_variable>" "<future>" "<atomic>")
set(bad "")
foreach(f ${files})
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${lines})
    foreach(pat ${forbidden})
      string(FIND "${line}" "${pat}" pos)
      if(NOT pos EQUAL -1)
        list(APPEND bad "${f}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(bad)
  string(REPLACE ";" "\n" msg "${bad}")
  message(FATAL_ERROR "core/ must stay platform-free; forbidden includes:\n${msg}")
endif()
message(STATUS "core/ is platform-free (${CMAKE_MATCH_COUNT}checked)")
