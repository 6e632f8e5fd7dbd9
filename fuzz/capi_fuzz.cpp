// Fuzzes the C ABI's boundary: arbitrary bytes as service name, pool, owner, notes and
// process, arbitrary numbers as count, port, protocols and quarantine, sizes that lie about
// NUL bytes. Invariants: no crash/UB/leak; every call returns HP_OK or an error whose status
// matches its code and whose message is not empty; a placed allocation is inside the range
// and is found again under its name.
#include <harmony_ports.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

// The input cut at '\x1f' into up to five fields; the first 8 bytes are numbers.
struct Fields {
    std::array<std::string_view, 5> text{};
    std::array<std::uint8_t, 8> numbers{};
};

Fields split(const std::uint8_t* data, std::size_t size) {
    Fields fields;
    const std::size_t head = size < 8 ? size : 8;
    std::memcpy(fields.numbers.data(), data, head);
    std::string_view rest(reinterpret_cast<const char*>(data) + head, size - head);
    for (auto& field : fields.text) {
        const auto cut = rest.find('\x1f');
        field = rest.substr(0, cut);
        rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
    }
    return fields;
}

void check_error(hp_status status, hp_error* error) {
    if (status == HP_OK) {
        return;
    }
    if (error == nullptr || hp_error_code(error) != status || *hp_error_message(error) == '\0') {
        __builtin_trap();
    }
    hp_error_free(error);
}

hp_allocate_options options_of(const Fields& f) {
    hp_allocate_options o = HP_ALLOCATE_OPTIONS_INIT;
    o.protocols = f.numbers[0] % 5;
    o.count = f.numbers[1] % 4 == 0 ? 0 : f.numbers[1] % 20;
    o.port = f.numbers[2] % 3 == 0 ? -1 : 24990 + f.numbers[3] % 40;
    const std::string_view* texts[] = {&f.text[1], &f.text[2], &f.text[3], &f.text[4]};
    const char** data[] = {&o.pool, &o.owner, &o.notes, &o.process};
    size_t* sizes[] = {&o.pool_size, &o.owner_size, &o.notes_size, &o.process_size};
    for (int i = 0; i < 4; ++i) {
        const bool given = (f.numbers[4] >> i & 1U) != 0;
        *data[i] = given ? texts[i]->data() : nullptr;
        *sizes[i] = texts[i]->size();
    }
    o.allow_registered = f.numbers[5] & 1;
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fields f = split(data, size);
    hp_allocator* ports = nullptr;
    if (hp_allocator_new(25000, 25019, &ports, nullptr) != HP_OK) {
        __builtin_trap();
    }
    const hp_allocate_options options = options_of(f);
    const std::string_view name = f.text[0];
    hp_port_range placed{};
    hp_error* error = nullptr;
    const hp_status status =
        hp_allocator_allocate(ports, name.data(), name.size(), &options, &placed, &error);
    check_error(status, error);
    if (status == HP_OK) {
        hp_allocations* found = nullptr;
        if (placed.first < 25000 || placed.last > 25019 ||
            hp_allocator_find(ports, name.data(), name.size(), &found, nullptr) != HP_OK ||
            hp_allocations_size(found) != 1) {
            __builtin_trap();
        }
        hp_allocations_free(found);
    }
    error = nullptr;
    check_error(hp_allocator_release(ports, name.data(), name.size(),
                                     static_cast<int32_t>(f.numbers[6]) - 2, &error),
                error);
    hp_allocator_free(ports);
    return 0;
}
