// A replacement of the whole registry as one write: its keys go into parts first, then one
// `intent` key commits them (docs/ARCHITECTURE.md, "Replacing the registry in one step").
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/number.hpp>

#include "fleet/layout.hpp"
#include "util/printable.hpp"

namespace harmony::network::fleet {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_part_prefix = "intent.";

Leftover problem(std::string_view key, const RawEntry& entry, Leftover::Kind kind,
                 std::string what) {
    Leftover left;
    left.kind = kind;
    left.key = std::string(key);
    left.created_ns = entry.created_ns;
    left.problem = std::move(what);
    return left;
}

// The txn an intent part key names ("intent.TXN.N" -> TXN), or "" when it is not one.
std::string_view part_txn(std::string_view key) {
    if (!key.starts_with(k_part_prefix)) {
        return {};
    }
    const auto rest = key.substr(k_part_prefix.size());
    const auto dot = rest.rfind('.');
    return dot == std::string_view::npos ? std::string_view() : rest.substr(0, dot);
}

struct Commit {
    std::string txn;
    std::size_t parts = 0;
    std::size_t keys = 0;
};

std::optional<Commit> read_commit(std::string_view value) {
    const auto json = Json::parse(value, nullptr, false);
    if (!json.is_object() || !json.contains("txn") || !json["txn"].is_string() ||
        !json.contains("parts") || !json["parts"].is_number_unsigned() || !json.contains("keys") ||
        !json["keys"].is_number_unsigned()) {
        return std::nullopt;
    }
    return Commit{json["txn"].get<std::string>(), json["parts"].get<std::size_t>(),
                  json["keys"].get<std::size_t>()};
}

// Adds the keys of one part to `target`; false when the part is not one this store writes.
bool read_part(std::string_view value, Encoded& target) {
    const auto json = Json::parse(value, nullptr, false);
    if (!json.is_object() || !json.contains("keys") || !json["keys"].is_object()) {
        return false;
    }
    for (const auto& [key, item] : json["keys"].items()) {
        if (!item.is_string() || !registry_key(key)) {
            return false;
        }
        target.emplace(key, item.get<std::string>());
    }
    return true;
}

// The target of `commit`, or a description of what is missing.
std::expected<Encoded, std::string> read_target(const RawMap& raw, const Commit& commit) {
    Encoded target;
    for (std::size_t n = 0; n < commit.parts; ++n) {
        const std::string key = intent_part_key(commit.txn, n);
        auto part = raw.find(key);
        if (part == raw.end() || part->second.deleted) {
            return std::unexpected(fmt::format("its part {} is missing", key));
        }
        if (!read_part(part->second.value, target)) {
            return std::unexpected(fmt::format("its part {} is not one this store writes", key));
        }
    }
    if (target.size() != commit.keys) {
        return std::unexpected(
            fmt::format("its parts hold {} keys, not {}", target.size(), commit.keys));
    }
    return target;
}

}  // namespace

std::string intent_part_key(std::string_view txn, std::size_t part) {
    return fmt::format("{}{}.{}", k_part_prefix, txn, part);
}

std::string intent_value(std::string_view txn, std::size_t parts, std::size_t keys) {
    return Json{{"txn", txn}, {"parts", parts}, {"keys", keys}}.dump();
}

std::vector<std::string> intent_parts(const Encoded& target, std::size_t max_bytes) {
    std::vector<std::string> parts;
    Json keys = Json::object();
    std::size_t bytes = 0;
    for (const auto& [key, value] : target) {
        if (bytes > 0 && bytes + key.size() + value.size() > max_bytes) {
            parts.push_back(Json{{"keys", std::move(keys)}}.dump());
            keys = Json::object();
            bytes = 0;
        }
        keys[key] = value;
        bytes += key.size() + value.size() + 8;
    }
    parts.push_back(Json{{"keys", std::move(keys)}}.dump());
    return parts;
}

std::optional<Intent> committed_intent(const RawMap& raw, std::string_view label,
                                       std::vector<Leftover>& problems) {
    std::optional<Intent> intent;
    auto found = raw.find(k_intent_key);
    if (found != raw.end() && !found->second.deleted) {
        auto commit = read_commit(found->second.value);
        auto target = commit ? read_target(raw, *commit)
                             : std::expected<Encoded, std::string>(std::unexpected(
                                   std::string("the value is not one this store writes")));
        if (target) {
            intent = Intent{commit->txn, found->second.revision, std::move(*target)};
        } else {
            problems.push_back(problem(k_intent_key, found->second, Leftover::Kind::invalid_key,
                                       fmt::format("{}: key {}: {}", label, k_intent_key,
                                                   util::printable_text(target.error(), 300))));
        }
    }
    for (auto it = raw.lower_bound(k_part_prefix);
         it != raw.end() && it->first.starts_with(k_part_prefix); ++it) {
        if (!it->second.deleted && (!intent || part_txn(it->first) != intent->txn)) {
            problems.push_back(
                problem(it->first, it->second, Leftover::Kind::stale_intent_part, {}));
        }
    }
    return intent;
}

}  // namespace harmony::network::fleet
