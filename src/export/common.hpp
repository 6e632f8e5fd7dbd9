// What every firewall and kernel export shares: the header line, which ports a scope covers,
// and quoting for comment and XML contexts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/export.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network::detail {

// "harmony-ports 0.1.0 from SOURCE (schema 1, digest 0123456789abcdef)": who made an export
// from which registry. SOURCE is made printable (no line breaks, quotes or backslashes), so
// the text is safe inside any line comment. The digest is FNV-1a 64 of the canonical TOML.
std::string provenance(const Registry& registry, std::string_view source);

// One run of ports an export opens for a protocol, and whose it is.
struct PortRun {
    PortRange ports;
    std::string name;  // a validated service name, or the range's label
};

// The runs a scope covers for `protocol` (tcp or udp): the whole range (named
// "HarmonyInfraPorts"), or each allocation that has the protocol, in canonical order.
std::vector<PortRun> runs_for(const Registry& registry, Protocols protocol, ExportScope scope);

// `text` with & < > " ' as XML entities.
std::string xml_escape(std::string_view text);

// `text` safe inside an XML comment: printable, and no "--".
std::string xml_comment_text(std::string_view text);

}  // namespace harmony::network::detail
