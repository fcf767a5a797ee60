# Compiler flags shared by every jam_ target: warnings, -Werror in CI, sanitizers.
function(jam_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(JAM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(JAM_SANITIZE AND NOT EMSCRIPTEN)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(EMSCRIPTEN)
  # Exceptions are used only at the edges (JSON parsing); without this flag a throw aborts.
  add_compile_options(-fexceptions)
  add_link_options(-fexceptions)
endif()
