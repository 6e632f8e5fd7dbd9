// What the C ABI hands out: allocation lists, findings, export text; each with its free.
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include <harmony/network/export.hpp>
#include <harmony/network/topology.hpp>

#include "capi/handles.hpp"

namespace harmony::capi {
namespace {

hp_allocation view_of(const network::Allocation& a) {
    return hp_allocation{a.name.c_str(),   to_c(a.ports),   static_cast<std::int32_t>(a.protocols),
                         a.pool.c_str(),   a.owner.c_str(), a.notes.c_str(),
                         a.process.c_str()};
}

hp_finding view_of(const network::Finding& f) {
    return hp_finding{static_cast<std::int32_t>(f.severity),
                      f.code.c_str(),
                      f.message.c_str(),
                      f.ports ? 1 : 0,
                      f.ports ? to_c(*f.ports) : hp_port_range{0, 0},
                      f.service.c_str(),
                      f.platform.c_str(),
                      f.cluster.c_str(),
                      static_cast<std::int32_t>(f.hint.kind),
                      f.hint.subject.c_str()};
}

// The export options the library takes; the topology, when named, is read into `topology`.
Expected<network::ExportOptions> export_options(const hp_export_options* in, std::string_view label,
                                                std::optional<network::Topology>& topology) {
    network::ExportOptions out;
    out.source = std::string(label);
    if (in == nullptr) {
        return out;
    }
    if (in->struct_size != sizeof(hp_export_options)) {
        return network::fail(ErrorCode::invalid_argument,
                             fmt::format("export options of {} bytes: this library takes {} "
                                         "(start from HP_EXPORT_OPTIONS_INIT)",
                                         in->struct_size, sizeof(hp_export_options)));
    }
    out.scope =
        in->allocations_only != 0 ? network::ExportScope::allocations : network::ExportScope::range;
    auto source = optional_text_arg(in->source, in->source_size, "export source", TextRule::utf8);
    if (!source) {
        return std::unexpected(source.error());
    }
    out.source = source->value_or(out.source);
    if (in->topology != nullptr) {
        auto path = text_arg(in->topology, in->topology_size, "topology path", TextRule::bytes);
        if (!path) {
            return std::unexpected(path.error());
        }
        auto read = network::read_topology_file(std::string(*path));
        if (!read) {
            return std::unexpected(read.error());
        }
        topology = std::move(*read);
        out.topology = &*topology;
    }
    return out;
}

}  // namespace

hp_allocations* make_allocations(std::vector<network::Allocation> allocations) {
    auto* list = new hp_allocations{std::move(allocations), {}};
    list->views.reserve(list->owned.size());
    for (const auto& a : list->owned) {
        list->views.push_back(view_of(a));
    }
    return list;
}

hp_findings* make_findings(std::vector<network::Finding> findings) {
    auto* list = new hp_findings{std::move(findings), {}};
    list->views.reserve(list->owned.size());
    for (const auto& f : list->owned) {
        list->views.push_back(view_of(f));
    }
    return list;
}

void hand_out(std::string_view text, char** out, size_t* out_size) {
    auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr) {
        throw std::bad_alloc();  // the boundary reports it as out of memory
    }
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    *out = copy;
    if (out_size != nullptr) {
        *out_size = text.size();
    }
}

Expected<std::string> export_text(const network::Registry& registry, const char* format,
                                  size_t format_size, const hp_export_options* options,
                                  std::string_view label) {
    auto name = text_arg(format, format_size, "export format", TextRule::utf8);
    if (!name) {
        return std::unexpected(name.error());
    }
    std::optional<network::Topology> topology;
    auto converted = export_options(options, label, topology);
    if (!converted) {
        return std::unexpected(converted.error());
    }
    return network::export_registry(registry, *name, *converted);
}

}  // namespace harmony::capi

extern "C" {

size_t hp_allocations_size(const hp_allocations* list) {
    return list == nullptr ? 0 : list->views.size();
}

const hp_allocation* hp_allocations_at(const hp_allocations* list, size_t index) {
    return list == nullptr || index >= list->views.size() ? nullptr : &list->views[index];
}

void hp_allocations_free(hp_allocations* list) {
    delete list;
}

size_t hp_findings_size(const hp_findings* findings) {
    return findings == nullptr ? 0 : findings->views.size();
}

const hp_finding* hp_findings_at(const hp_findings* findings, size_t index) {
    return findings == nullptr || index >= findings->views.size() ? nullptr
                                                                  : &findings->views[index];
}

void hp_findings_free(hp_findings* findings) {
    delete findings;
}

void hp_string_free(char* text) {
    std::free(text);
}

void hp_allocate_options_init(hp_allocate_options* options) {
    if (options != nullptr) {
        *options = hp_allocate_options HP_ALLOCATE_OPTIONS_INIT;
    }
}

const char* hp_export_formats(void) {
    // Built once from the library's list, so the two cannot disagree.
    static const std::string names = [] {
        std::string joined;
        for (auto name : harmony::network::export_formats()) {
            joined += joined.empty() ? "" : " ";
            joined += name;
        }
        return joined;
    }();
    return names.c_str();
}

}  // extern "C"
