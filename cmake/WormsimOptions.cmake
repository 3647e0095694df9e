# Warnings, language level and sanitizers live on one INTERFACE target that every wormsim
# target links, never in CMAKE_CXX_FLAGS.
add_library(wormsim_options INTERFACE)
target_compile_features(wormsim_options INTERFACE cxx_std_20)
target_compile_options(wormsim_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
if(WORMSIM_WERROR)
  target_compile_options(wormsim_options INTERFACE -Werror)
endif()
target_include_directories(wormsim_options INTERFACE ${PROJECT_SOURCE_DIR})
if(WORMSIM_SANITIZE)
  string(REPLACE ";" "," _wormsim_san "${WORMSIM_SANITIZE}")
  target_compile_options(wormsim_options INTERFACE -fsanitize=${_wormsim_san} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(wormsim_options INTERFACE -fsanitize=${_wormsim_san})
  # GCC 12's flow analysis under the sanitizers' instrumentation reports Boost.Graph's
  # named_graph returning an empty boost::optional as "may be used uninitialized" (inlined into
  # Topology::add_node); the Release build, with the same -Werror, does not.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(wormsim_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
