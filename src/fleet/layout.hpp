// The bucket's key layout (docs/ARCHITECTURE.md, "The fleet store"):
//   config               range, schema, quarantine days, pools
//   name.SERVICE         an allocation's record (written last: the allocation exists from then)
//   port.PROTO.PORT      a claim: the one key that gives PORT/PROTO to a service, or holds it
//                        in quarantine; created with "no earlier value", so one writer wins
//   intent               a committed replacement of the whole registry (store import, init
//                        --force): while it stands, readers see its keys, writers finish it
//   intent.TXN.N         the parts of intent TXN: the replacement's keys, written before it
//   clock                written by store repair to learn the server's time
// Every value is canonical JSON; a writer adds a "txn" token so it can recognise its own write.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network::fleet {

// A claim: a port/protocol given to a service (holder) or held in quarantine.
struct Claim {
    Protocols protocol = Protocols::tcp;
    Port port = 0;
    std::optional<Allocation> holder;  // service and ports only
    std::optional<Released> quarantine;
};

// A key's value read: the config's part of the registry, a record, or a claim.
struct Decoded {
    enum class Kind { config, record, claim };
    Kind kind = Kind::config;
    Registry config;  // range, schema, quarantine days, pools
    Allocation record;
    Claim claim;
};

// One key as the store holds it now (a deleted key keeps its delete marker's revision).
struct RawEntry {
    std::string value;
    std::uint64_t revision = 0;
    bool deleted = false;
    std::int64_t created_ns = 0;  // server time of the write
    // The value read, kept until the value changes: a transaction reads only what changed.
    mutable std::shared_ptr<const Decoded> decoded{};
};
using RawMap = std::map<std::string, RawEntry, std::less<>>;

inline constexpr std::string_view k_config_key = "config";
inline constexpr std::string_view k_intent_key = "intent";
inline constexpr std::string_view k_clock_key = "clock";
std::string name_key(std::string_view service);
std::string claim_key(Protocols protocol, Port port);

// Calls each(key) for every claim key of `ports` x `protocols`.
template <typename Each>
void for_each_claim_key(PortRange ports, Protocols protocols, Each&& each) {
    for (Protocols p : {Protocols::tcp, Protocols::udp}) {
        for (std::uint32_t port = ports.first; shares_protocol(p, protocols) && port <= ports.last;
             ++port) {
            each(claim_key(p, static_cast<Port>(port)));
        }
    }
}

// Key -> canonical value for every key `registry` needs. Error: invalid_registry when two
// entries need one claim key.
using Encoded = std::map<std::string, std::string, std::less<>>;
Expected<Encoded> encode(const Registry& registry);

// The keys whose value differs between two registries: key -> new value, nullopt when the
// key goes. O(changed entries) encodings; `config_missing` writes the config even when equal.
using KeyChanges = std::map<std::string, std::optional<std::string>, std::less<>>;
Expected<KeyChanges> changed_keys(const Registry& before, const Registry& after,
                                  bool config_missing);

// The keys of quarantine entries (`held` claims are encoded as quarantine).
Encoded encode_released(const std::vector<Released>& released);

// A stored value without the writer's token: what encode() wrote.
std::string canonical_of(std::string_view stored);

// `value` carrying the writer's token; the token a value carries ("" when none).
std::string with_txn(std::string_view value, std::string_view txn);
std::string txn_of(std::string_view value);

// A key left by a transaction that did not finish, or one no transaction could have written.
struct Leftover {
    enum class Kind {
        orphan_claim,       // a claim naming a service whose record does not hold it
        incomplete_record,  // a record whose claims are gone: an interrupted release
        invalid_key,        // a key or value this store never writes (`problem` says why)
        stale_intent_part,  // a part of a replacement that was never committed
    };
    Kind kind = Kind::orphan_claim;
    std::string key;
    std::string service;
    std::optional<PortRange> ports;
    Protocols protocols = Protocols::tcp;
    std::int64_t created_ns = 0;
    std::string problem{};  // invalid_key: what is wrong with it (printable)
};

// A committed replacement still being applied: readers see `target`, writers finish it first.
struct Intent {
    std::string txn;
    std::uint64_t revision = 0;  // of the intent key
    Encoded target;              // every registry key (config, name.*, port.*) after it
};

// What the raw keys mean.
struct Materialized {
    bool has_config = false;
    Registry registry;           // complete allocations and quarantine
    std::vector<Released> held;  // ports claimed without a complete allocation: taken
    std::vector<Leftover> leftovers;
    std::optional<Intent> intent;  // a committed replacement: `registry` is its target's
    std::size_t records = 0;       // name.* keys with a value (complete or not)
};

// Decodes every key. A key that breaks the rules is a Leftover (invalid_key) and the rest is
// read on: a claim key whose value is unreadable still holds its port (in `held`). While an
// intent stands, the registry is the intent's target. Never fails on the keys' content.
Materialized materialize(const RawMap& raw, std::string_view label);

// The intent that stands in `raw`, with its target read from its parts; nullopt when none is
// committed. A committed intent that cannot be read is a problem (invalid_key) and ignored.
// Parts of intents never committed are problems too (stale_intent_part).
std::optional<Intent> committed_intent(const RawMap& raw, std::string_view label,
                                       std::vector<Leftover>& problems);

// A replacement's parts: `target` cut into values of at most about `max_bytes` each.
std::vector<std::string> intent_parts(const Encoded& target, std::size_t max_bytes = 256 * 1024);
std::string intent_part_key(std::string_view txn, std::size_t part);
// The intent key's value committing `parts` parts that hold `keys` keys.
std::string intent_value(std::string_view txn, std::size_t parts, std::size_t keys);

// Whether the bucket holds entries of a registry besides a config (records, claims,
// quarantine): a bucket without config but with entries lost its config.
bool holds_entries(const Materialized& m);

// A leftover's ports for messages: "25081/tcp", "25090-25092/tcp"; "" when it has none.
std::string ports_text(const Leftover& left);

// Whether `key` is one of the registry's own keys (config, name.*, port.*), which a
// replacement rewrites; intent, its parts and the clock are not.
bool registry_key(std::string_view key);

// The name of a held port whose claim key is unreadable: no service can be named so, so no
// allocation takes it back as its own.
inline constexpr std::string_view k_unreadable_holder = "?";

}  // namespace harmony::network::fleet
