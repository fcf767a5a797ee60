# Helpers for the browser build (ui/, wasm/): Dear ImGui from the fetched sources, and the flags
# that make an Emscripten executable a WebGL2 + GLFW page. Included by ui/ and wasm/ only.

set(JAM_IMGUI_DIR "${PROJECT_SOURCE_DIR}/build/_deps/imgui" CACHE PATH
    "Dear ImGui 1.86 sources (fetched by tools/fetch_imgui.sh; never committed)")

# jam_imgui_library(name): a static library of ImGui's core (no platform code, so jam_ui can
# also be built natively, e.g. for tests).
function(jam_imgui_library name)
  if(NOT EXISTS "${JAM_IMGUI_DIR}/imgui.cpp" OR
     NOT EXISTS "${JAM_IMGUI_DIR}/backends/imgui_impl_glfw.cpp")
    message(FATAL_ERROR
      "Dear ImGui sources not found in JAM_IMGUI_DIR=${JAM_IMGUI_DIR}.\n"
      "Run `./jam build` (it fetches them), or `tools/fetch_imgui.sh build/_deps/imgui`, "
      "or pass -DJAM_IMGUI_DIR=<folder with imgui.cpp>.")
  endif()
  set(d ${JAM_IMGUI_DIR})
  add_library(${name} STATIC
    ${d}/imgui.cpp ${d}/imgui_draw.cpp ${d}/imgui_tables.cpp ${d}/imgui_widgets.cpp)
  # SYSTEM: third-party code is not held to our -Wall -Wextra -Werror.
  target_include_directories(${name} SYSTEM PUBLIC ${d})
  target_compile_definitions(${name} PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
endfunction()

# jam_imgui_web_backends(name core): ImGui's GLFW + OpenGL3 backends for WebGL2 (GLSL 300 es).
function(jam_imgui_web_backends name core)
  set(d ${JAM_IMGUI_DIR}/backends)
  add_library(${name} STATIC ${d}/imgui_impl_glfw.cpp ${d}/imgui_impl_opengl3.cpp)
  target_include_directories(${name} SYSTEM PUBLIC ${d})
  target_compile_definitions(${name} PUBLIC IMGUI_IMPL_OPENGL_ES3)
  target_link_libraries(${name} PUBLIC ${core})
endfunction()

# jam_web_executable(target): link flags for the browser entry (GLFW 3 JS library, WebGL2 only).
function(jam_web_executable target)
  target_link_options(${target} PRIVATE
    -sUSE_GLFW=3 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
    -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web)
endfunction()
