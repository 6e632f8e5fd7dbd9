// render_map_text: the terminal map, one character per cell, ANSI colour on top when asked.
#include <harmony/network/port_map.hpp>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

constexpr int k_letters = 26;
constexpr int k_group = 10;  // a gap every ten cells, so a column is easy to count

char cell_char(const MapCell& cell) {
    const bool lettered = cell.pool >= 0 && cell.pool < k_letters;
    switch (cell.state) {
        case PortState::free:
            return '.';
        case PortState::registered:
            return ':';
        case PortState::pool:
            return lettered ? static_cast<char>('a' + cell.pool) : ',';
        case PortState::reserved:
            return '-';
        case PortState::quarantined:
            return '~';
        case PortState::allocated:
            if (cell.pool < 0) {
                return '#';
            }
            return lettered ? static_cast<char>('A' + cell.pool) : '%';
        case PortState::in_use:
            return '@';
        case PortState::conflict:
            return '!';
    }
    return '?';
}

// SGR parameters per pool: the default pool green, named pools cycling through the rest.
std::string_view pool_colour(int pool) {
    static constexpr std::array<std::string_view, 6> k_palette{"36", "34", "35", "33", "96", "94"};
    return pool < 0 ? "32" : k_palette[static_cast<std::size_t>(pool) % k_palette.size()];
}

std::string cell_style(const MapCell& cell) {
    switch (cell.state) {
        case PortState::free:
            return "2";
        case PortState::registered:
            return "90";
        case PortState::pool:
            return fmt::format("2;{}", pool_colour(cell.pool));
        case PortState::reserved:
            return "2;35";
        case PortState::quarantined:
            return "33";
        case PortState::allocated:
            return fmt::format("1;{}", pool_colour(cell.pool));
        case PortState::in_use:
            return "1;34";
        case PortState::conflict:
            return "1;97;41";
    }
    return "0";
}

std::string painted(std::string_view text, std::string_view style, bool color) {
    if (!color || text.empty()) {
        return std::string(text);
    }
    return fmt::format("\x1b[{}m{}\x1b[0m", style, text);
}

std::string paint_cell(const MapCell& cell, bool color) {
    return painted(std::string(1, cell_char(cell)), cell_style(cell), color);
}

// Cells [begin, end) with a gap every ten; with colour, one escape per run of one style.
std::string row_text(const std::vector<MapCell>& cells, std::size_t begin, std::size_t end,
                     bool color) {
    std::string out;
    std::string run;
    std::string run_style;
    auto flush = [&] {
        out += painted(run, run_style, color);
        run.clear();
    };
    for (std::size_t i = begin; i < end; ++i) {
        const std::string style = cell_style(cells[i]);
        const bool gap = i > begin && (i - begin) % k_group == 0;
        if (gap || style != run_style) {
            flush();
            run_style = style;
        }
        if (gap) {
            out += ' ';
        }
        run += cell_char(cells[i]);
    }
    flush();
    return out;
}

// Where a boundary starts on the map: a pool, or the orchestrator range on a wider map.
struct Boundary {
    Port first;
    std::string name;
};

std::vector<Boundary> boundaries(const PortMap& map) {
    std::vector<Boundary> out;
    if (map.range != map.shown && map.range.overlaps(map.shown)) {
        out.push_back({std::max(map.range.first, map.shown.first),
                       fmt::format("range {}", map.range.to_string())});
    }
    for (const auto& pool : map.pools) {
        if (pool.ports.overlaps(map.shown)) {
            out.push_back(
                {std::max(pool.ports.first, map.shown.first), util::printable_text(pool.name, 40)});
        }
    }
    return out;
}

// The line under a row: '^' under each cell where a boundary starts, then their names; empty
// when none starts in the row.
std::string boundary_marks(const std::vector<Boundary>& starts, const std::vector<MapCell>& cells,
                           std::size_t begin, std::size_t end, int label_width) {
    std::string marks(static_cast<std::size_t>(label_width), ' ');
    std::string names;
    for (std::size_t i = begin; i < end; ++i) {
        for (const auto& b : starts) {
            if (!cells[i].ports.contains(b.first)) {
                continue;
            }
            const std::size_t column =
                static_cast<std::size_t>(label_width) + (i - begin) + (i - begin) / k_group;
            marks.resize(std::max(marks.size(), column + 1), ' ');
            marks[column] = '^';
            names += fmt::format("{}{}", names.empty() ? "" : ", ", b.name);
        }
    }
    if (names.empty()) {
        return "";
    }
    return fmt::format("{}  {}\n", marks, names);
}

std::string legend_line(const PortMap& map, bool color) {
    struct Entry {
        PortState state;
        std::string_view text;
    };
    static constexpr std::array<Entry, 8> k_entries{{{PortState::free, "free"},
                                                     {PortState::registered, "IANA/known"},
                                                     {PortState::pool, "in a pool"},
                                                     {PortState::reserved, "reserved"},
                                                     {PortState::quarantined, "quarantined"},
                                                     {PortState::allocated, "allocated"},
                                                     {PortState::in_use, "in use"},
                                                     {PortState::conflict, "conflict"}}};
    std::string out = "legend:";
    for (const auto& e : k_entries) {
        const int pool = e.state == PortState::pool ? 0 : -1;  // drawn as pool A's 'a'
        out += fmt::format("  {} {} {}", paint_cell(MapCell{{}, e.state, pool}, color), e.text,
                           count_ports(map, e.state));
    }
    return out + "\n";
}

std::string pool_lines(const PortMap& map, bool color) {
    std::string out;
    for (std::size_t p = 0; p < map.pools.size(); ++p) {
        const auto& pool = map.pools[p];
        if (!pool.ports.overlaps(map.shown)) {
            continue;
        }
        const int index = static_cast<int>(p);
        const MapCell free{{}, pool.reserved ? PortState::reserved : PortState::pool, index};
        out += fmt::format("pool {}{} {} {}{}\n",
                           paint_cell(MapCell{{}, PortState::allocated, index}, color),
                           paint_cell(free, color), util::printable_text(pool.name, 40),
                           pool.ports.to_string(), pool.reserved ? " (reserved)" : "");
    }
    return out;
}

std::string conflict_lines(const PortMap& map, bool color) {
    std::string out;
    for (const auto& f : map.findings) {
        if (f.severity == Severity::error) {
            out += fmt::format("{} {} {}: {}\n",
                               paint_cell(MapCell{{}, PortState::conflict, -1}, color),
                               f.ports->to_string(), f.code, util::terminal_safe(f.message));
        }
    }
    return out;
}

std::string title_line(const PortMap& map, std::size_t width) {
    std::string live;
    if (map.live_host || map.live_fleet) {
        live = fmt::format(", in use as seen on {}", map.live_host && map.live_fleet
                                                         ? "this host and the fleet"
                                                     : map.live_host ? "this host"
                                                                     : "the fleet");
    }
    const std::string per_cell =
        width == 1 ? "one port per cell" : fmt::format("{} ports per cell", width);
    return fmt::format("ports {} ({} ports, {}{})\n", map.shown.to_string(), map.shown.size(),
                       per_cell, live);
}

}  // namespace

std::string render_map_text(const PortMap& map, const MapTextOptions& options) {
    const auto columns = static_cast<std::size_t>(std::max(1, options.columns));
    const auto max_cells = columns * static_cast<std::size_t>(std::max(1, options.max_rows));
    const auto cells = map_cells(map, max_cells);
    const std::size_t width = cells.empty() ? 1 : cells.front().ports.size();
    const int label_width = static_cast<int>(fmt::formatted_size("{}", map.shown.last)) + 1;
    const auto starts = boundaries(map);
    std::string out = title_line(map, width);
    for (std::size_t begin = 0; begin < cells.size(); begin += columns) {
        const std::size_t end = std::min(cells.size(), begin + columns);
        out += fmt::format("{:<{}}", cells[begin].ports.first, label_width);
        out += row_text(cells, begin, end, options.color);
        out += '\n';
        out += boundary_marks(starts, cells, begin, end, label_width);
    }
    out += legend_line(map, options.color);
    out += pool_lines(map, options.color);
    out += conflict_lines(map, options.color);
    return out;
}

}  // namespace harmony::network
