#include "registry/toml_fast.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "util/printable.hpp"

namespace harmony::network::detail {
namespace {

bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// Appends the UTF-8 encoding of `cp`; false for surrogates and values above U+10FFFF.
bool append_utf8(std::string& out, std::uint32_t cp) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        return false;
    }
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return true;
}

// One line being read; every method returns false when the line leaves the subset.
class Line {
  public:
    Line(std::string_view text, int number) : m_text(text), m_number(number) {}

    void skip_blanks() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) {
            ++m_pos;
        }
    }
    // True at the end of the line or at a comment (after blanks).
    bool at_end() {
        skip_blanks();
        if (m_pos < m_text.size() && m_text[m_pos] == '#') {
            // Comments may hold any character but control characters other than tab.
            for (std::size_t i = m_pos; i < m_text.size(); ++i) {
                auto c = static_cast<unsigned char>(m_text[i]);
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    return false;
                }
            }
            return util::is_valid_utf8(m_text.substr(m_pos));
        }
        return m_pos == m_text.size();
    }
    bool eat(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    [[nodiscard]] bool peek(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }
    // Columns count characters (UTF-8 code points), as toml++ does. Counted on from the last
    // position asked for, so the positions of a line's n array items cost O(line), not O(n^2).
    [[nodiscard]] SourcePosition here() const {
        if (m_pos < m_counted) {
            m_counted = 0;
            m_column = 1;
        }
        for (; m_counted < m_pos; ++m_counted) {
            m_column += (static_cast<unsigned char>(m_text[m_counted]) & 0xC0) != 0x80 ? 1 : 0;
        }
        return SourcePosition{m_number, m_column};
    }
    bool bare_key(std::string& out) {
        std::size_t start = m_pos;
        while (m_pos < m_text.size() && is_bare_key_char(m_text[m_pos])) {
            ++m_pos;
        }
        out.assign(m_text.substr(start, m_pos - start));
        return m_pos > start;
    }
    bool value(DocNode& out) {
        out.where = here();
        if (peek('"')) {
            out.kind = DocNode::Kind::string;
            return basic_string(out.text);
        }
        if (peek('[')) {
            return string_array(out);
        }
        if (m_text.substr(m_pos).starts_with("true") || m_text.substr(m_pos).starts_with("false")) {
            out.kind = DocNode::Kind::boolean;
            out.boolean = m_text[m_pos] == 't';
            m_pos += out.boolean ? 4 : 5;
            return m_pos == m_text.size() || !is_bare_key_char(m_text[m_pos]);
        }
        return integer(out);
    }

  private:
    // Decimal integers only: no sign other than '-', no leading zeros, no underscores.
    bool integer(DocNode& out) {
        std::size_t start = m_pos;
        eat('-');
        std::size_t digits = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            ++m_pos;
        }
        std::size_t count = m_pos - digits;
        if (count == 0 || (count > 1 && m_text[digits] == '0') ||
            (m_pos < m_text.size() && m_text[m_pos] != ' ' && m_text[m_pos] != '\t' &&
             m_text[m_pos] != '#' && m_text[m_pos] != ',' && m_text[m_pos] != ']')) {
            return false;
        }
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(m_text.data() + start, m_text.data() + m_pos, v);
        if (ec != std::errc{} || end != m_text.data() + m_pos) {
            return false;
        }
        out.kind = DocNode::Kind::integer;
        out.integer = v;
        return true;
    }
    bool hex_escape(int digits, std::string& out) {
        if (m_pos + static_cast<std::size_t>(digits) > m_text.size()) {
            return false;
        }
        std::uint32_t cp = 0;
        auto [end, ec] =
            std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + digits, cp, 16);
        if (ec != std::errc{} || end != m_text.data() + m_pos + digits) {
            return false;
        }
        m_pos += static_cast<std::size_t>(digits);
        return append_utf8(out, cp);
    }
    bool basic_string(std::string& out) {
        out.clear();
        ++m_pos;  // opening quote
        std::size_t run = m_pos;
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            auto u = static_cast<unsigned char>(c);
            if (c == '"') {
                out.append(m_text.substr(run, m_pos - run));
                ++m_pos;
                return util::is_valid_utf8(out);
            }
            if ((u < 0x20 && c != '\t') || u == 0x7F) {
                return false;
            }
            if (c != '\\') {
                ++m_pos;
                continue;
            }
            out.append(m_text.substr(run, m_pos - run));
            if (++m_pos >= m_text.size()) {
                return false;
            }
            char e = m_text[m_pos++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'u':
                    if (!hex_escape(4, out)) {
                        return false;
                    }
                    break;
                case 'U':
                    if (!hex_escape(8, out)) {
                        return false;
                    }
                    break;
                default:
                    return false;
            }
            run = m_pos;
        }
        return false;  // unterminated
    }
    // A one-line array of basic strings, e.g. ["tcp", "udp"]; no trailing comma.
    bool string_array(DocNode& out) {
        out.kind = DocNode::Kind::array;
        ++m_pos;
        skip_blanks();
        if (eat(']')) {
            return true;
        }
        while (true) {
            skip_blanks();
            if (!peek('"')) {
                return false;
            }
            DocNode item;
            item.where = here();
            item.kind = DocNode::Kind::string;
            if (!basic_string(item.text)) {
                return false;
            }
            out.items.push_back(std::move(item));
            skip_blanks();
            if (eat(']')) {
                return true;
            }
            if (!eat(',')) {
                return false;
            }
        }
    }

    std::string_view m_text;
    int m_number;
    std::size_t m_pos = 0;
    mutable std::size_t m_counted = 0;  // here(): m_column is the column at m_counted
    mutable int m_column = 1;
};

bool has_key(const DocNode& table, std::string_view key) {
    for (const auto& e : table.entries) {
        if (e.key == key) {
            return true;
        }
    }
    return false;
}

// toml++ tables are ordered by key; sort ours the same way so both readers give one tree.
void sort_keys(DocNode& node) {
    // A stable insertion sort: tables hold a handful of keys, and std::stable_sort would
    // allocate a buffer for each of a thousand tables.
    auto& entries = node.entries;
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (!(entries[i].key < entries[i - 1].key)) {
            continue;
        }
        auto at = std::upper_bound(
            entries.begin(), entries.begin() + static_cast<long>(i), entries[i].key,
            [](const std::string& key, const DocNode::Entry& e) { return key < e.key; });
        std::rotate(at, entries.begin() + static_cast<long>(i),
                    entries.begin() + static_cast<long>(i) + 1);
    }
    for (auto& e : node.entries) {
        sort_keys(e.value);
    }
    for (auto& item : node.items) {
        sort_keys(item);
    }
}

}  // namespace

std::optional<DocNode> parse_canonical_toml(std::string_view text) {
    DocNode root;
    root.kind = DocNode::Kind::table;
    root.where = SourcePosition{1, 1};
    DocNode* current = &root;
    int number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string_view raw =
            text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            return std::nullopt;  // CRLF: leave it to toml++
        }
        Line line(raw, number);
        if (line.at_end()) {
            continue;
        }
        line.skip_blanks();
        SourcePosition at = line.here();
        if (line.eat('[')) {
            std::string name;
            if (!line.eat('[') || !line.bare_key(name) || !line.eat(']') || !line.eat(']') ||
                !line.at_end()) {
                return std::nullopt;
            }
            DocNode* array = nullptr;
            for (auto& e : root.entries) {
                if (e.key == name) {
                    array = &e.value;
                }
            }
            if (array == nullptr) {
                DocNode fresh;
                fresh.kind = DocNode::Kind::array;
                fresh.where = at;
                root.entries.push_back(
                    {name, std::move(fresh), SourcePosition{at.line, at.column + 2}});
                array = &root.entries.back().value;
            } else if (array->kind != DocNode::Kind::array || array->items.empty() ||
                       array->items.front().kind != DocNode::Kind::table) {
                return std::nullopt;  // a key and a table array of one name: toml++ decides
            }
            DocNode table;
            table.kind = DocNode::Kind::table;
            table.where = at;
            table.entries.reserve(4);  // most entries hold 3-4 keys: no regrowth per key
            array->items.push_back(std::move(table));
            current = &array->items.back();
            continue;
        }
        std::string key;
        SourcePosition key_at = line.here();
        if (!line.bare_key(key)) {
            return std::nullopt;
        }
        line.skip_blanks();
        if (!line.eat('=')) {
            return std::nullopt;
        }
        line.skip_blanks();
        DocNode value;
        if (!line.value(value) || !line.at_end() || has_key(*current, key)) {
            return std::nullopt;
        }
        current->entries.push_back({std::move(key), std::move(value), key_at});
    }
    sort_keys(root);
    return root;
}

bool same_document(const DocNode& a, const DocNode& b) {
    if (a.kind != b.kind || a.where.line != b.where.line || a.where.column != b.where.column ||
        a.text != b.text || a.integer != b.integer || a.boolean != b.boolean ||
        a.entries.size() != b.entries.size() || a.items.size() != b.items.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        const auto& x = a.entries[i];
        const auto& y = b.entries[i];
        if (x.key != y.key || x.key_position.line != y.key_position.line ||
            x.key_position.column != y.key_position.column || !same_document(x.value, y.value)) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!same_document(a.items[i], b.items[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace harmony::network::detail
