// The one way this project includes toml++: as Debian builds it (a shared library compiled
// with exceptions, so toml::parse throws toml::parse_error; only the readers catch it).
#pragma once

#include <toml++/toml.h>
