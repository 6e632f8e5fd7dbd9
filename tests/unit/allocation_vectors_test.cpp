// Replays tests/vectors/allocation_vectors.tsv, written by scripts/reference_allocator.py (an
// independent Python implementation of the contract's rule), against the C++ allocator.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <harmony/network/allocator.hpp>

using namespace harmony::network;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) {
        out.push_back(item);
    }
    return out;
}

struct Row {
    int line;
    std::vector<std::string> cells;
};

}  // namespace

TEST(AllocationVectors, MatchTheReferenceImplementation) {
    std::ifstream in(HARMONY_PORTS_VECTORS);
    ASSERT_TRUE(in) << "cannot open " << HARMONY_PORTS_VECTORS;
    std::string line;
    int number = 0;
    bool header_seen = false;
    std::map<std::string, std::vector<Row>> sequences;
    std::vector<std::string> order;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        if (!header_seen) {
            ASSERT_EQ(line,
                      "sequence\tname\trange\tpools\tpool\tprotocols\tcount\tallow_registered"
                      "\texpected");
            header_seen = true;
            continue;
        }
        auto cells = split(line, '\t');
        ASSERT_EQ(cells.size(), 9U) << "line " << number;
        if (!sequences.contains(cells[0])) {
            order.push_back(cells[0]);
        }
        sequences[cells[0]].push_back(Row{number, cells});
    }
    ASSERT_GT(order.size(), 20U);

    int rows = 0;
    for (const auto& id : order) {
        const auto& first = sequences[id].front().cells;
        auto range = PortRange::parse(first[2]).value();
        PortAllocator allocator(range.first, range.last);
        if (first[3] != "-") {
            for (const auto& pool : split(first[3], ';')) {
                auto eq = pool.find('=');
                ASSERT_TRUE(allocator.add_pool(
                    pool.substr(0, eq), PortRange::parse(pool.substr(eq + 1)).value(), false));
            }
        }
        for (const auto& row : sequences[id]) {
            const auto& c = row.cells;
            AllocateOptions options;
            options.pool = c[4] == "-" ? "" : c[4];
            options.protocols = parse_protocols(c[5]).value();
            options.count = static_cast<std::uint16_t>(std::stoi(c[6]));
            options.allow_registered = c[7] == "true";
            auto got = allocator.allocate(c[1], options);
            ++rows;
            if (c[8] == "exhausted") {
                ASSERT_FALSE(got) << "line " << row.line << ": " << c[1] << " got "
                                  << got->to_string();
                EXPECT_EQ(got.error().code, ErrorCode::exhausted) << "line " << row.line;
            } else {
                ASSERT_TRUE(got) << "line " << row.line << ": " << got.error().message;
                EXPECT_EQ(got->to_string(), c[8]) << "line " << row.line << ": " << c[1];
            }
        }
    }
    EXPECT_GT(rows, 100);
}

TEST(Fnv1a64, MatchesPublishedValues) {
    EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
    static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
}
