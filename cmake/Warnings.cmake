# Project-wide compile flags: strict warnings, optional sanitizers, clang-16 fuzz mode.
add_compile_options(-Wall -Wextra $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
                    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)
# Warnings are errors in the project's own scripts and CI (scripts/build.sh, scripts/test.sh),
# not for a plain configure: another compiler's new warning must not stop someone's build.
if(HARMONY_PORTS_WERROR)
  add_compile_options(-Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # libstdc++ 12 hides std::expected unless __cpp_concepts >= 202002L; clang 16 implements
  # what <expected> needs (P0848) but still reports 201907L.
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
