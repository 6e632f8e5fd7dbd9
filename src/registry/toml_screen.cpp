#include "registry/toml_screen.hpp"

#include <harmony/network/limits.hpp>

#include "util/input_limits.hpp"
#include "util/printable.hpp"

namespace harmony::network::detail {
namespace {

bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

bool is_non_ascii(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

// Reads the text once, tracking only what decides how toml++ reads the next character: inside
// a string or comment or not, inside a bare key or value, open brackets, parts of this key.
class TomlScreen {
  public:
    explicit TomlScreen(std::string_view text) : m_text(text) {}

    std::optional<ScreenProblem> run() {
        if (std::size_t bad = util::first_invalid_utf8(m_text); bad != std::string_view::npos) {
            const auto at = util::line_column(m_text, bad);
            return ScreenProblem{{at.line, at.column}, "the file is not valid UTF-8"};
        }
        m_i = m_text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a leading BOM is fine
        for (; m_i < m_text.size() && !m_problem; ++m_i) {
            const char c = m_text[m_i];
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
                ++m_column;
            }
            if (c == '\n') {
                newline();
                continue;
            }
            switch (m_in) {
                case In::code:
                    code(c);
                    break;
                case In::comment:
                    break;
                case In::basic:
                    basic(c);
                    break;
                case In::literal:
                    m_in = c == '\'' ? In::code : In::literal;
                    break;
                case In::multi_basic:
                    multi_basic(c);
                    break;
                case In::multi_literal:
                    close_multi_line("'''");
                    break;
            }
        }
        return m_problem;
    }

  private:
    enum class In { code, comment, basic, literal, multi_basic, multi_literal };
    enum class Bare { none, key, value };

    [[nodiscard]] SourcePosition here() const { return {m_line, m_column}; }

    void problem(SourcePosition where, std::string what) {
        if (!m_problem) {
            m_problem = ScreenProblem{where, std::move(what)};
        }
    }

    // Skips `n` more ASCII characters of the current token.
    void skip(std::size_t n) {
        m_i += n;
        m_column += static_cast<int>(n);
    }

    void newline() {
        ++m_line;
        m_column = 0;
        if (m_in == In::code || m_in == In::comment) {
            m_last = '\n';
            m_bare = Bare::none;
            end_key();
        }
        if (m_in == In::comment || m_in == In::basic || m_in == In::literal) {
            m_in = In::code;  // single-line constructs end here (toml++ reports the rest)
        }
    }

    void code(char c) {
        if (is_non_ascii(c)) {
            problem(here(), "non-ASCII character outside a string or comment");
            return;
        }
        // toml++ reads a bare key up to the first character outside [A-Za-z0-9_-], and a bare
        // value (number, date, boolean) up to a value terminator; a quote inside either is part
        // of the bad token, not the start of a string.
        if (m_bare == Bare::key && !is_bare_key_char(c)) {
            m_bare = Bare::none;
        }
        if (m_bare == Bare::value) {
            if (!is_blank(c) && c != ']' && c != '}' && c != ',' && c != '#') {
                return;
            }
            m_bare = Bare::none;
        }
        if (m_bare == Bare::key || is_blank(c)) {
            return;
        }
        if (c == '#') {
            m_in = In::comment;
            return;
        }
        note_key_start();
        token(c);
        if (c == '=' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') {
            end_key();
        }
        m_last = c;
    }

    // One character outside strings, comments and bare tokens.
    void token(char c) {
        // After '=', and after '[', ',' or a newline inside an array, a value starts; after '{'
        // or ',' inside an inline table, at the start of a line and in a header, a key does.
        const bool in_array = !m_nest.empty() && m_nest.back() == '[';
        const bool value =
            m_last == '=' || (in_array && (m_last == '[' || m_last == ',' || m_last == '\n'));
        // A quote opens a string only where a key, a part of a key or a value may start.
        const bool opener = m_last == '\n' || m_last == '=' || m_last == '[' || m_last == ',' ||
                            m_last == '{' || (m_last == '.' && m_in_key);
        if ((c == '"' || c == '\'') && opener) {
            open_string(c);
            m_in_key = !value;
        } else if (c == '[' || c == '{') {
            open(c);
        } else if ((c == ']' || c == '}') && !m_nest.empty()) {
            m_nest.pop_back();
        } else if (c == '.') {
            key_dot();
        } else if (c != '=' && c != ',' && c != '"' && c != '\'') {
            m_bare = value ? Bare::value : Bare::key;
            m_in_key = !value;
        }
    }

    void open_string(char c) {
        const std::string_view three = m_text.substr(m_i, 3);
        if (three == "\"\"\"" || three == "'''") {
            m_in = c == '"' ? In::multi_basic : In::multi_literal;
            skip(2);
        } else {
            m_in = c == '"' ? In::basic : In::literal;
        }
    }

    // '[' opens a table header at the start of a line ("[[" an array of tables), else an array.
    void open(char c) {
        const bool header = (m_last == '\n' && m_nest.empty()) ||
                            (m_nest == "h" && m_last == '[' && m_text[m_i - 1] == '[');
        m_nest += c == '{' ? '{' : (header ? 'h' : '[');
        if (m_nest.size() > static_cast<std::size_t>(k_max_nesting_depth)) {
            problem(here(), too_deep_text());
        }
    }

    void note_key_start() {
        if (!m_key_started) {
            m_key_start = here();
            m_key_started = true;
        }
    }

    void key_dot() {
        if (++m_key_dots + 1 > k_max_key_parts) {
            problem(m_key_start, too_many_key_parts_text());
        }
    }

    void end_key() {
        m_key_dots = 0;
        m_key_started = false;
        m_in_key = false;
    }

    void basic(char c) {
        if (c == '\\') {
            if (m_i + 1 < m_text.size() && m_text[m_i + 1] != '\n') {
                skip(1);  // the escaped character cannot end the string
            }
        } else if (c == '"') {
            m_in = In::code;
        }
    }

    void multi_basic(char c) {
        if (m_after_line_backslash && is_non_ascii(c)) {
            problem(here(),
                    "non-ASCII character right after a line-ending backslash is not supported");
            return;
        }
        if (c == '\\') {
            backslash_in_multi_basic();
            return;
        }
        if (!is_blank(c)) {
            m_after_line_backslash = false;
        }
        close_multi_line("\"\"\"");
    }

    // A backslash followed only by blanks up to the newline trims what follows; toml++ tests
    // what follows a backslash for whitespace, then skips it.
    void backslash_in_multi_basic() {
        std::size_t j = m_i + 1;
        while (j < m_text.size() && is_blank(m_text[j])) {
            ++j;
        }
        if (j < m_text.size() && is_non_ascii(m_text[j])) {
            problem({m_line, m_column + static_cast<int>(j - m_i)},
                    "non-ASCII character right after a backslash in a multi-line string is not "
                    "supported");
            return;
        }
        if (j < m_text.size() && m_text[j] == '\n') {
            m_after_line_backslash = true;
            skip(j - m_i - 1);
        } else {
            skip(1);
        }
    }

    void close_multi_line(std::string_view quotes) {
        if (m_text.substr(m_i, 3) == quotes) {
            m_in = In::code;
            skip(2);
        }
    }

    std::string_view m_text;
    std::size_t m_i = 0;
    int m_line = 1;
    int m_column = 0;
    In m_in = In::code;
    bool m_after_line_backslash = false;  // in a multi-line basic string, only blanks since
    // The last non-blank character seen outside strings: a quote opens a string only where a
    // key or value may start, as toml++ reads it; elsewhere it is part of a bad value.
    char m_last = '\n';
    Bare m_bare = Bare::none;
    std::string m_nest;     // open '[' (array), 'h' (table header) and '{' (inline table)
    bool m_in_key = false;  // a key has started and its '=' (or header's ']') not come yet
    int m_key_dots = 0;     // dots in the key being read
    bool m_key_started = false;
    SourcePosition m_key_start;
    std::optional<ScreenProblem> m_problem;
};

}  // namespace

std::optional<ScreenProblem> screen_toml(std::string_view text) {
    return TomlScreen(text).run();
}

}  // namespace harmony::network::detail
