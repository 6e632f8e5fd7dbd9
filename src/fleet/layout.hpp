// The bucket's key layout (docs/ARCHITECTURE.md, "The fleet store"):
//   config               range, schema, quarantine days, pools
//   name.SERVICE         an allocation's record (written last: the allocation exists from then)
//   port.PROTO.PORT      a claim: the one key that gives PORT/PROTO to a service, or holds it
//                        in quarantine; created with "no earlier value", so one writer wins
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

// A key left by a transaction that did not finish.
struct Leftover {
    enum class Kind { orphan_claim, incomplete_record };
    Kind kind = Kind::orphan_claim;
    std::string key;
    std::string service;
    std::optional<PortRange> ports;
    Protocols protocols = Protocols::tcp;
    std::int64_t created_ns = 0;
};

// What the raw keys mean.
struct Materialized {
    bool has_config = false;
    Registry registry;           // complete allocations and quarantine
    std::vector<Released> held;  // ports claimed without a complete allocation: taken
    std::vector<Leftover> leftovers;
};

// Decodes every key; a value that breaks the rules is invalid_registry naming `label` and
// the key.
Expected<Materialized> materialize(const RawMap& raw, std::string_view label);

}  // namespace harmony::network::fleet
