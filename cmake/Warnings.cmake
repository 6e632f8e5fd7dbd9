# Project-wide compile flags: strict warnings, optional sanitizers, clang-16 fuzz mode.
add_compile_options(-Wall -Wextra -Werror -Wnon-virtual-dtor $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # libstdc++ 12 hides std::expected unless __cpp_concepts >= 202002L; clang 16 implements
  # what <expected> needs (P0848) but still reports 201907L. Only the fuzz build uses clang.
  add_compile_options(-Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L)
endif()
if(HARMONY_PORTS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(HARMONY_PORTS_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
