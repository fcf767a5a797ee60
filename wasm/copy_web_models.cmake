# copy_web_models.cmake — run at build time (cmake -P) by wasm/CMakeLists.txt:
# for every JAM_MODELS_DIR/<id>/model.onnx, copy model.onnx, vocab.json and config.json to
# JAM_SITE_DIR/models/<id>/ (only when they changed), so the in-tab agent can fetch them.
file(GLOB onnx_files "${JAM_MODELS_DIR}/*/model.onnx")
foreach(onnx ${onnx_files})
  get_filename_component(dir "${onnx}" DIRECTORY)
  get_filename_component(id "${dir}" NAME)
  foreach(f model.onnx vocab.json config.json)
    if(NOT EXISTS "${dir}/${f}")
      message(FATAL_ERROR "web model ${id}: ${dir}/${f} is missing")
    endif()
    file(MAKE_DIRECTORY "${JAM_SITE_DIR}/models/${id}")
    execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${dir}/${f}"
                            "${JAM_SITE_DIR}/models/${id}/${f}"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "web model ${id}: could not copy ${f}")
    endif()
  endforeach()
endforeach()
