// A RegistryStore in memory, for unit tests: the same transaction rules as the file store
// (write only when the content changed, nothing written when the change fails), no files.
#pragma once

#include <harmony/network/registry_store.hpp>

namespace harmony::testing {

class MemoryRegistryStore final : public network::RegistryStore {
  public:
    explicit MemoryRegistryStore(network::Registry registry) : m_registry(std::move(registry)) {}

    [[nodiscard]] std::string label() const override { return "memory"; }
    network::Expected<network::Registry> read() override { return m_registry; }
    network::Expected<network::LenientLoad> read_lenient() override {
        return network::LenientLoad{m_registry, {}};
    }
    network::Expected<void> transact(const network::RegistryChange& change) override {
        network::PortAllocator allocator(m_registry);
        const auto before = allocator.revision();
        if (auto ok = change(allocator); !ok) {
            return ok;
        }
        if (allocator.revision() != before) {
            m_registry = allocator.registry();
            ++m_writes;
        }
        return {};
    }

    // How many transactions stored a changed registry.
    [[nodiscard]] int writes() const { return m_writes; }

  private:
    network::Registry m_registry;
    int m_writes = 0;
};

}  // namespace harmony::testing
