// `diff [REV [REV2]] [--json]`: what changed in the registry between two revisions (or a
// revision and the working tree), exit 1 when a change breaks the registry's promises.
#include <initializer_list>

#include <nlohmann/json.hpp>

#include <harmony/network/registry_diff.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

using util::printable_text;
using Json = nlohmann::ordered_json;

char sign_of(const RegistryDiffChange& c) {
    if (c.breaking) {
        return '!';
    }
    switch (c.kind) {
        case ChangeKind::added:
        case ChangeKind::reclaimed:
        case ChangeKind::pool_added:
        case ChangeKind::quarantine_added:
            return '+';
        case ChangeKind::released:
        case ChangeKind::pool_removed:
        case ChangeKind::quarantine_ended:
            return '-';
        default:
            return '~';
    }
}

std::string ports_text(const std::optional<PortsHeld>& held) {
    return held ? to_string(*held) : std::string("-");
}

// `field: old -> new`, free text quoted.
std::string field_text(const RegistryDiffChange& c) {
    bool quote = c.kind == ChangeKind::changed && c.field != "until";
    auto shown = [&](const std::string& value) {
        std::string s = quote ? "\"" : "";
        s += printable_text(value);
        s += quote ? "\"" : "";
        return s;
    };
    std::string s = c.field;
    s += ": ";
    s += shown(c.old_value);
    s += " -> ";
    s += shown(c.new_value);
    return s;
}

std::string until_text(const RegistryDiffChange& c) {
    return c.until ? format_time(*c.until) : std::string("-");
}

// Pieces joined into one string (GCC 12 warns on "literal" + std::string at -O3).
std::string cat(std::initializer_list<std::string_view> parts) {
    std::string s;
    for (auto part : parts) {
        s += part;
    }
    return s;
}

// The note in parentheses after the ports of a change to an allocation or a quarantine.
std::string note_text(const RegistryDiffChange& c) {
    switch (c.kind) {
        case ChangeKind::reclaimed:
            return "taken back from quarantine";
        case ChangeKind::released:
            return c.until ? cat({"quarantined until ", until_text(c)}) : "quarantine_days is 0";
        case ChangeKind::removed:
            return "no release, no quarantine";
        case ChangeKind::quarantine_added:
            return cat({"until ", until_text(c)});
        case ChangeKind::quarantine_ended:
            return cat({"ended ", until_text(c)});
        case ChangeKind::quarantine_violated:
            return cat(
                {"quarantined for '", printable_text(c.quarantine_of), "' until ", until_text(c)});
        default:
            return cat({"quarantined until ", until_text(c)});
    }
}

// What follows the name on a change's line.
std::string detail_text(const RegistryDiffChange& c) {
    switch (c.kind) {
        case ChangeKind::added:
            return ports_text(c.after);
        case ChangeKind::moved:
            return cat({ports_text(c.before), " -> ", ports_text(c.after)});
        case ChangeKind::pool_added:
            return c.new_value;
        case ChangeKind::pool_removed:
            return c.old_value;
        case ChangeKind::changed:
        case ChangeKind::pool_changed:
        case ChangeKind::setting_changed:
            return field_text(c);
        default:
            break;
    }
    bool after = c.kind == ChangeKind::reclaimed || c.kind == ChangeKind::quarantine_added ||
                 c.kind == ChangeKind::quarantine_violated;
    return cat({ports_text(after ? c.after : c.before), " (", note_text(c), ")"});
}

void print_changes(const RegistryDiff& diff) {
    std::string to = diff.to ? cat({"'", printable_text(*diff.to), "'"}) : "the working tree";
    print_out("{} from '{}' to {}\n", printable_text(diff.file, 200), printable_text(diff.from),
              to);
    for (const auto& c : diff.changes) {
        std::string line = fmt::format("{} {:<19} {:<24} {}", sign_of(c), to_string(c.kind),
                                       printable_text(c.name, 63), detail_text(c));
        if (c.breaking) {
            line += "  [breaking]";
            line = paint(line, Severity::error);
        }
        write_out(line + "\n");
    }
    std::size_t breaking = count_breaking(diff.changes);
    if (diff.changes.empty()) {
        print_out("no changes\n");
        return;
    }
    print_out("{} change{}, {} break{} the registry's promises\n", diff.changes.size(),
              diff.changes.size() == 1 ? "" : "s", breaking, breaking == 1 ? "s" : "");
}

Json ports_json(const std::optional<PortsHeld>& held) {
    if (!held) {
        return nullptr;
    }
    return Json{{"first", held->ports.first},
                {"last", held->ports.last},
                {"protocols", protocol_list(held->protocols)}};
}

// Every key in every change, null where it does not apply: a stable shape for scripts.
Json change_json(const RegistryDiffChange& c) {
    auto text_or_null = [&](const std::string& s, bool applies) {
        return applies ? Json(s) : Json(nullptr);
    };
    bool has_field = !c.field.empty();
    return Json{{"kind", to_string(c.kind)},
                {"name", c.name},
                {"breaking", c.breaking},
                {"message", c.message},
                {"before", ports_json(c.before)},
                {"after", ports_json(c.after)},
                {"field", text_or_null(c.field, has_field)},
                {"old", text_or_null(c.old_value, has_field)},
                {"new", text_or_null(c.new_value, has_field)},
                {"until", c.until ? Json(format_time(*c.until)) : Json(nullptr)},
                {"quarantine_of", text_or_null(c.quarantine_of, !c.quarantine_of.empty())}};
}

std::string diff_json(const RegistryDiff& diff) {
    Json out;
    out["from"] = diff.from;
    out["to"] = diff.to ? Json(*diff.to) : Json(nullptr);
    out["file"] = diff.file;
    out["changes"] = Json::array();
    for (const auto& c : diff.changes) {
        out["changes"].push_back(change_json(c));
    }
    out["changes_total"] = diff.changes.size();
    out["breaking"] = count_breaking(diff.changes);
    return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

std::function<int()> setup_diff(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::optional<std::string> from;
        std::optional<std::string> to;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("rev", o->from, "the revision to compare (default HEAD)")->type_name("REV");
    app.add_option("rev2", o->to, "the revision to compare it with (default: the working tree)")
        ->type_name("REV2");
    app.add_flag("--json", o->json, "print one JSON object");
    return [o, &global] {
        auto options = store_options(global);
        if (!options) {
            return report(options.error());
        }
        auto path = registry_to_review(*options);
        if (!path) {
            return report(path.error());
        }
        auto diff = diff_registry_revisions(*path, o->from, o->to);
        if (!diff) {
            return report(diff.error());
        }
        if (o->json) {
            write_out(diff_json(*diff));
        } else {
            print_changes(*diff);
        }
        return count_breaking(diff->changes) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
