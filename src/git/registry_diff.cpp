// The registry diff: what changed between two registries, and which changes break the promises
// a registry makes (a placed name keeps its ports; a released port waits out its quarantine).
#include <harmony/network/registry_diff.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "util/printable.hpp"

namespace harmony::network {

namespace {

using util::printable_text;
using util::quoted_text;
using Changes = std::vector<RegistryDiffChange>;

PortsHeld held(const Allocation& a) {
    return {a.ports, a.protocols};
}
PortsHeld held(const Released& r) {
    return {r.ports, r.protocols};
}

bool overlap(const PortsHeld& a, const PortsHeld& b) {
    return a.ports.overlaps(b.ports) && shares_protocol(a.protocols, b.protocols);
}

// A name as a message quotes it: 'name', printable.
std::string quoted_name(std::string_view name) {
    std::string s = "'";
    s += printable_text(name);
    s += "'";
    return s;
}

RegistryDiffChange make_change(ChangeKind kind, std::string_view name, std::string message) {
    RegistryDiffChange c;
    c.kind = kind;
    c.name = std::string(name);
    c.breaking = kind == ChangeKind::removed || kind == ChangeKind::moved ||
                 kind == ChangeKind::quarantine_dropped || kind == ChangeKind::quarantine_violated;
    c.message = std::move(message);
    return c;
}

// A field that went from `old_value` to `new_value`; `subject` begins the message.
RegistryDiffChange field_change(ChangeKind kind, std::string_view name, std::string_view subject,
                                std::string_view field, std::string old_value,
                                std::string new_value, bool quote) {
    std::string message(subject);
    message += " ";
    message += field;
    message += " changed from ";
    message += quote ? quoted_text(old_value) : printable_text(old_value);
    message += " to ";
    message += quote ? quoted_text(new_value) : printable_text(new_value);
    RegistryDiffChange c = make_change(kind, name, std::move(message));
    c.field = std::string(field);
    c.old_value = std::move(old_value);
    c.new_value = std::move(new_value);
    return c;
}

void diff_settings(const Registry& before, const Registry& after, Changes& out) {
    auto setting = [&](std::string_view field, std::string old_value, std::string new_value) {
        if (old_value != new_value) {
            out.push_back(field_change(ChangeKind::setting_changed, field, "the registry's", field,
                                       std::move(old_value), std::move(new_value), false));
        }
    };
    setting("range", before.range.to_string(), after.range.to_string());
    setting("schema_version", std::to_string(before.schema_version),
            std::to_string(after.schema_version));
    setting("quarantine_days", std::to_string(before.quarantine_days),
            std::to_string(after.quarantine_days));
}

std::string reserved_text(bool reserved) {
    return reserved ? "true" : "false";
}

void diff_pool_pair(const Pool& a, const Pool& b, Changes& out) {
    std::string subject = "pool ";
    subject += quoted_name(a.name);
    if (a.ports != b.ports) {
        out.push_back(field_change(ChangeKind::pool_changed, a.name, subject, "ports",
                                   a.ports.to_string(), b.ports.to_string(), false));
    }
    if (a.reserved != b.reserved) {
        out.push_back(field_change(ChangeKind::pool_changed, a.name, subject, "reserved",
                                   reserved_text(a.reserved), reserved_text(b.reserved), false));
    }
}

RegistryDiffChange pool_entry(ChangeKind kind, const Pool& p) {
    std::string message = "pool ";
    message += quoted_name(p.name);
    message += kind == ChangeKind::pool_added ? " added on " : " removed (was ";
    message += p.ports.to_string();
    message += p.reserved ? " reserved" : "";
    message += kind == ChangeKind::pool_added ? "" : ")";
    RegistryDiffChange c = make_change(kind, p.name, std::move(message));
    c.field = "ports";
    (kind == ChangeKind::pool_added ? c.new_value : c.old_value) = p.ports.to_string();
    return c;
}

void diff_pools(const Registry& before, const Registry& after, Changes& out) {
    std::map<std::string_view, const Pool*> old_pools;
    for (const auto& p : before.pools) {
        old_pools.emplace(p.name, &p);
    }
    for (const auto& p : after.pools) {
        auto it = old_pools.find(p.name);
        if (it == old_pools.end()) {
            out.push_back(pool_entry(ChangeKind::pool_added, p));
            continue;
        }
        diff_pool_pair(*it->second, p, out);
        old_pools.erase(it);
    }
    for (const auto& [name, p] : old_pools) {
        out.push_back(pool_entry(ChangeKind::pool_removed, *p));
    }
}

// The two registries with their entries indexed by name, and what the allocation pass found
// (so the quarantine pass does not report the same event twice).
struct Sides {
    const Registry& before;
    const Registry& after;
    TimePoint now;
    std::map<std::string_view, const Allocation*> old_by_name;
    std::map<std::string_view, const Allocation*> new_by_name;
    std::set<std::string_view> released_names;
    std::set<std::string_view> reclaimed_names;

    Sides(const Registry& b, const Registry& a, TimePoint t) : before(b), after(a), now(t) {
        for (const auto& x : before.allocations) {
            old_by_name.emplace(x.name, &x);
        }
        for (const auto& x : after.allocations) {
            new_by_name.emplace(x.name, &x);
        }
    }
};

// A quarantine entry of `registry` for `name` over `ports`, if any.
const Released* quarantine_of(const Registry& registry, std::string_view name,
                              const PortsHeld& ports) {
    auto it =
        std::find_if(registry.released.begin(), registry.released.end(),
                     [&](const Released& r) { return r.name == name && overlap(held(r), ports); });
    return it == registry.released.end() ? nullptr : &*it;
}

RegistryDiffChange ports_change(ChangeKind kind, const Allocation& a, std::string message) {
    RegistryDiffChange c = make_change(kind, a.name, std::move(message));
    (kind == ChangeKind::added || kind == ChangeKind::reclaimed ? c.after : c.before) = held(a);
    return c;
}

void new_name(Sides& s, const Allocation& a, Changes& out) {
    std::string message = quoted_name(a.name);
    if (quarantine_of(s.before, a.name, held(a)) != nullptr) {
        s.reclaimed_names.insert(a.name);
        message += " allocated again on ";
        message += to_string(held(a));
        message += ", taken back from its quarantine";
        out.push_back(ports_change(ChangeKind::reclaimed, a, std::move(message)));
        return;
    }
    message += " added on ";
    message += to_string(held(a));
    out.push_back(ports_change(ChangeKind::added, a, std::move(message)));
}

void gone_name(Sides& s, const Allocation& a, Changes& out) {
    std::string message = quoted_name(a.name);
    const Released* q = quarantine_of(s.after, a.name, held(a));
    if (q != nullptr || s.after.quarantine_days == 0) {
        s.released_names.insert(a.name);
        message += " released: ";
        message += to_string(held(a));
        if (q != nullptr) {
            message += " quarantined until ";
            message += format_time(q->until);
        } else {
            message += " without quarantine (quarantine_days is 0)";
        }
        RegistryDiffChange c = ports_change(ChangeKind::released, a, std::move(message));
        c.until = q != nullptr ? std::optional<TimePoint>(q->until) : std::nullopt;
        out.push_back(std::move(c));
        return;
    }
    message += " removed without release: ";
    message += to_string(held(a));
    message += " has no quarantine and may go to another name at once";
    out.push_back(ports_change(ChangeKind::removed, a, std::move(message)));
}

void kept_name(const Allocation& a, const Allocation& b, Changes& out) {
    std::string subject = quoted_name(a.name);
    if (held(a) != held(b)) {
        std::string message = subject + " moved from " + to_string(held(a));
        message += " to ";
        message += to_string(held(b));
        message += ": a placed name keeps its ports";
        RegistryDiffChange c = make_change(ChangeKind::moved, a.name, std::move(message));
        c.before = held(a);
        c.after = held(b);
        out.push_back(std::move(c));
    }
    auto field = [&](std::string_view name, const std::string& old_value,
                     const std::string& new_value) {
        if (old_value != new_value) {
            out.push_back(field_change(ChangeKind::changed, a.name, subject, name, old_value,
                                       new_value, true));
        }
    };
    field("owner", a.owner, b.owner);
    field("notes", a.notes, b.notes);
    field("process", a.process, b.process);
    field("pool", a.pool, b.pool);
}

void diff_allocations(Sides& s, Changes& out) {
    for (const auto& [name, a] : s.new_by_name) {
        auto it = s.old_by_name.find(name);
        if (it == s.old_by_name.end()) {
            new_name(s, *a, out);
        } else {
            kept_name(*it->second, *a, out);
        }
    }
    for (const auto& [name, a] : s.old_by_name) {
        if (!s.new_by_name.contains(name)) {
            gone_name(s, *a, out);
        }
    }
}

// "quarantine of 25100/tcp for 'old'".
std::string quarantine_subject(const Released& r) {
    std::string s = "quarantine of ";
    s += to_string(held(r));
    s += " for ";
    s += quoted_name(r.name);
    return s;
}

RegistryDiffChange quarantine_change(ChangeKind kind, const Released& r, std::string_view what) {
    std::string message = quarantine_subject(r);
    message += what;
    message += format_time(r.until);
    RegistryDiffChange c = make_change(kind, r.name, std::move(message));
    (kind == ChangeKind::quarantine_added ? c.after : c.before) = held(r);
    c.until = r.until;
    return c;
}

// Allocations of `after` on ports still quarantined in `before` for another name: reported
// only when that allocation is new or moved (an old one was there before the quarantine).
bool report_violations(const Sides& s, const Released& q, Changes& out) {
    bool found = false;
    for (const auto& a : s.after.allocations) {
        auto old = s.old_by_name.find(a.name);
        bool same = old != s.old_by_name.end() && held(*old->second) == held(a);
        if (a.name == q.name || same || !overlap(held(a), held(q))) {
            continue;
        }
        std::string message = quoted_name(a.name) + " given " + to_string(held(a));
        message += ", in quarantine for ";
        message += quoted_name(q.name);
        message += " until ";
        message += format_time(q.until);
        RegistryDiffChange c = make_change(ChangeKind::quarantine_violated, a.name, message);
        c.before = held(q);
        c.after = held(a);
        c.until = q.until;
        c.quarantine_of = q.name;
        out.push_back(std::move(c));
        found = true;
    }
    return found;
}

const Released* same_entry(const Registry& registry, const Released& r) {
    auto it =
        std::find_if(registry.released.begin(), registry.released.end(),
                     [&](const Released& x) { return x.name == r.name && held(x) == held(r); });
    return it == registry.released.end() ? nullptr : &*it;
}

// A quarantine entry kept with another end: breaking when it now ends earlier than promised.
void until_changed(const Sides& s, const Released& a, const Released& b, Changes& out) {
    RegistryDiffChange c = field_change(ChangeKind::changed, a.name, quarantine_subject(a), "until",
                                        format_time(a.until), format_time(b.until), false);
    c.before = held(a);
    c.after = held(b);
    c.until = b.until;
    c.breaking = b.until < a.until && a.until > s.now;
    out.push_back(std::move(c));
}

void old_quarantine(const Sides& s, const Released& q, Changes& out) {
    if (const Released* kept = same_entry(s.after, q)) {
        if (kept->until != q.until) {
            until_changed(s, q, *kept, out);
        }
        return;
    }
    if (s.reclaimed_names.contains(q.name)) {
        return;  // part of `reclaimed`
    }
    if (q.until <= s.now) {
        out.push_back(quarantine_change(ChangeKind::quarantine_ended, q, " ended at "));
    } else if (!report_violations(s, q, out)) {
        out.push_back(
            quarantine_change(ChangeKind::quarantine_dropped, q, " dropped before its end at "));
    }
}

void new_quarantine(const Sides& s, const Released& q, Changes& out) {
    if (same_entry(s.before, q) != nullptr || s.released_names.contains(q.name)) {
        return;  // unchanged, or part of `released`
    }
    // What is left of a quarantine after its name took back part of it is part of `reclaimed`.
    if (s.reclaimed_names.contains(q.name) && quarantine_of(s.before, q.name, held(q))) {
        return;
    }
    out.push_back(quarantine_change(ChangeKind::quarantine_added, q, " until "));
}

void diff_quarantine(const Sides& s, Changes& out) {
    for (const auto& q : s.before.released) {
        old_quarantine(s, q, out);
    }
    for (const auto& q : s.after.released) {
        new_quarantine(s, q, out);
    }
}

int group_of(ChangeKind kind) {
    if (kind == ChangeKind::setting_changed) {
        return 0;
    }
    return kind <= ChangeKind::pool_changed ? 1 : 2;
}

bool change_order(const RegistryDiffChange& a, const RegistryDiffChange& b) {
    auto first = [](const PortsHeld* p) { return p != nullptr ? p->ports.first : 0; };
    auto key = [&](const RegistryDiffChange& c) {
        return std::make_tuple(group_of(c.kind), std::string_view(c.name), c.kind,
                               std::string_view(c.field), std::string_view(c.quarantine_of),
                               first(c.before ? &*c.before : nullptr));
    };
    return key(a) < key(b);
}

}  // namespace

std::string_view to_string(ChangeKind kind) noexcept {
    switch (kind) {
        case ChangeKind::setting_changed:
            return "setting-changed";
        case ChangeKind::pool_added:
            return "pool-added";
        case ChangeKind::pool_removed:
            return "pool-removed";
        case ChangeKind::pool_changed:
            return "pool-changed";
        case ChangeKind::added:
            return "added";
        case ChangeKind::reclaimed:
            return "reclaimed";
        case ChangeKind::released:
            return "released";
        case ChangeKind::removed:
            return "removed";
        case ChangeKind::moved:
            return "moved";
        case ChangeKind::changed:
            return "changed";
        case ChangeKind::quarantine_added:
            return "quarantine-added";
        case ChangeKind::quarantine_ended:
            return "quarantine-ended";
        case ChangeKind::quarantine_dropped:
            return "quarantine-dropped";
        case ChangeKind::quarantine_violated:
            return "quarantine-violated";
    }
    return "unknown";
}

std::string to_string(const PortsHeld& held) {
    std::string s = held.ports.to_string();
    s += "/";
    s += to_string(held.protocols);
    return s;
}

std::vector<RegistryDiffChange> diff_registries(const Registry& before, const Registry& after,
                                                TimePoint now) {
    Changes out;
    diff_settings(before, after, out);
    diff_pools(before, after, out);
    Sides sides(before, after, now);
    diff_allocations(sides, out);
    diff_quarantine(sides, out);
    std::stable_sort(out.begin(), out.end(), change_order);
    return out;
}

Registry absent_registry(PortRange range) {
    Registry r;
    r.range = range;
    return r;
}

std::size_t count_breaking(const std::vector<RegistryDiffChange>& changes) {
    return static_cast<std::size_t>(std::count_if(
        changes.begin(), changes.end(), [](const RegistryDiffChange& c) { return c.breaking; }));
}

}  // namespace harmony::network
