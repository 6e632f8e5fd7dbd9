// libharmony_ports.so: the C ABI (src/capi/*.cpp, taken whole from the static archive) and
// the C++ library it needs, with only the hp_ symbols of include/harmony_ports.h exported
// (capi/exports.map). This file only gives the target a source of its own.
#include <harmony_ports.h>
