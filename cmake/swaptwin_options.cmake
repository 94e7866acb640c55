# Project-wide build options: C++17, warnings, sanitizers, ccache.
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithAsserts CACHE STRING "Build type" FORCE)
endif()
# Release optimisation with assert() kept on: the default for development and CI.
set(CMAKE_CXX_FLAGS_RELWITHASSERTS "-O2 -g" CACHE STRING "Release with assertions" FORCE)

option(SWAPTWIN_WERROR "Treat warnings as errors" OFF)
option(SWAPTWIN_SANITIZE "Build with address and undefined-behaviour sanitizers" OFF)

# Applied to our own targets only (third-party headers come in as SYSTEM includes).
add_library(swaptwin_warnings INTERFACE)
target_compile_options(swaptwin_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(SWAPTWIN_WERROR)
  target_compile_options(swaptwin_warnings INTERFACE -Werror)
endif()

if(SWAPTWIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()
