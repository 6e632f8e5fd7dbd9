// RegistryStore: the transaction (through a memory fake and the real file store), discovery,
// trust, links, non-regular files, ownership, the lock and init.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <harmony/network/check.hpp>
#include <harmony/network/registry_store.hpp>

#include "unit/memory_store.hpp"
#include "unit/temp_folder.hpp"

using namespace harmony::network;
using harmony::testing::MemoryRegistryStore;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class Store : public harmony::testing::TempFolderTest {
  protected:
    // init in `folder`: the ADR-014 table and harmony.toml.
    fs::path init_in(const fs::path& folder) {
        fs::create_directories(folder);
        InitOptions options;
        options.folder = folder;
        auto done = init_registry(options);
        EXPECT_TRUE(done) << done.error().message;
        return folder / k_registry_file;
    }
    static std::string text_of(const fs::path& path) { return read_file(path).value(); }
};

bool is_root() {
    return ::geteuid() == 0;
}

}  // namespace

TEST(MemoryStore, UpdateReturnsTheChangesValueAndWritesOnlyChanges) {
    MemoryRegistryStore store(adr014_default_registry());
    auto port = store.update([](PortAllocator& a) { return a.allocate("ntfy"); });
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ(store.writes(), 1);
    auto again = store.update([](PortAllocator& a) { return a.allocate("ntfy"); });
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *port);
    EXPECT_EQ(store.writes(), 1);  // idempotent: nothing to store
    EXPECT_EQ(store.read()->allocations.size(), 3U);
}

TEST(MemoryStore, AFailedChangeStoresNothing) {
    MemoryRegistryStore store(adr014_default_registry());
    auto r = store.update([](PortAllocator& a) -> Expected<PortRange> {
        if (auto placed = a.allocate("first"); !placed) {
            return placed;
        }
        return a.allocate("Bad_Name");  // the second step fails: the first must not stay
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(store.writes(), 0);
    EXPECT_EQ(store.read()->allocations.size(), 2U);
}

TEST_F(Store, DiscoversFromAFolderBelowAndAllocatesDurably) {
    fs::path registry = init_in(m_dir / "repo");
    fs::create_directories(m_dir / "repo" / "a" / "b");
    auto store = FileRegistryStore::open({.start = m_dir / "repo" / "a" / "b"});
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->label(), registry.string());
    auto port = store->update([](PortAllocator& a) { return a.allocate("ntfy"); });
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_NE(text_of(registry).find("name = \"ntfy\"\nport = " + port->to_string()),
              std::string::npos);
}

TEST_F(Store, IdempotentUpdateDoesNotRewriteTheFile) {
    fs::path registry = init_in(m_dir);
    auto store = FileRegistryStore::open({.registry = registry});
    ASSERT_TRUE(store->update([](PortAllocator& a) { return a.allocate("ntfy"); }));
    struct stat before {};
    ::stat(registry.c_str(), &before);
    ASSERT_TRUE(store->update([](PortAllocator& a) { return a.allocate("ntfy"); }));
    struct stat after {};
    ::stat(registry.c_str(), &after);
    EXPECT_EQ(before.st_ino, after.st_ino);  // no rename happened
}

TEST_F(Store, AFailedChangeNamesTheRegistryAndLeavesTheFile) {
    fs::path registry = init_in(m_dir);
    const std::string before = text_of(registry);
    auto store = FileRegistryStore::open({.registry = registry});
    auto r = store->update([](PortAllocator& a) { return a.release("nothing-here"); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().message.rfind(registry.string() + ": ", 0), 0U) << r.error().message;
    EXPECT_EQ(text_of(registry), before);
}

TEST_F(Store, WithoutAFileReadsTheDefaultAndRefusesToWrite) {
    auto store = FileRegistryStore::open({.start = m_dir});
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->label(), "embedded ADR-014 default");
    EXPECT_EQ(store->read()->allocations.size(), 2U);
    auto r = store->update([](PortAllocator& a) { return a.allocate("ntfy"); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().hint.kind, HintKind::create_registry);
    EXPECT_EQ(r.error().message, "no harmony.network.ports.toml found in " + m_dir.string() +
                                     " or any folder above it");
}

TEST_F(Store, TwoRegistriesInOneFolderAreRefused) {
    init_in(m_dir);
    std::ofstream(m_dir / k_registry_yaml_file) << "schema_version: 1\n";
    auto store = FileRegistryStore::open({.start = m_dir});
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(store.error().message.find("keep one registry per folder"), std::string::npos);
}

TEST_F(Store, ANamedFolderGetsAHint) {
    auto store = FileRegistryStore::open({.registry = m_dir});
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(store.error().hint.kind, HintKind::name_registry_file);
}

TEST_F(Store, ALinkedRegistryIsChangedAtItsTargetAndStaysALink) {
    fs::path registry = init_in(m_dir / "real");
    fs::create_directories(m_dir / "repo");
    fs::create_symlink("../real/harmony.network.ports.toml", m_dir / "repo" / "hop");
    fs::create_symlink("hop", m_dir / "repo" / k_registry_file);  // a relative chain
    auto store = FileRegistryStore::open({.start = m_dir / "repo"});
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE(store->update([](PortAllocator& a) { return a.allocate("ntfy"); }));
    EXPECT_TRUE(fs::is_symlink(m_dir / "repo" / k_registry_file));
    EXPECT_TRUE(fs::is_symlink(m_dir / "repo" / "hop"));
    EXPECT_NE(text_of(registry).find("\"ntfy\""), std::string::npos);
    for (const auto& entry : fs::directory_iterator(m_dir / "repo")) {
        EXPECT_TRUE(fs::is_symlink(entry.path())) << entry.path();  // no stray regular file
    }
}

TEST_F(Store, AFolderLinkAboveTheRegistryIsFollowed) {
    fs::path registry = init_in(m_dir / "real");
    fs::create_directory_symlink(m_dir / "real", m_dir / "via");
    auto store = FileRegistryStore::open({.registry = m_dir / "via" / k_registry_file});
    ASSERT_TRUE(store->update([](PortAllocator& a) { return a.allocate("ntfy"); }));
    EXPECT_TRUE(fs::is_symlink(m_dir / "via"));
    EXPECT_NE(text_of(registry).find("\"ntfy\""), std::string::npos);
}

TEST_F(Store, AFifoIsRefusedWithoutHanging) {
    fs::path fifo = m_dir / k_registry_file;
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    auto store = FileRegistryStore::open({.start = m_dir});
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(store.error().message,
              fifo.string() + ": is a fifo, not a regular file; not read or written");
    auto read = read_file(fifo);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code, ErrorCode::invalid_argument);
}

TEST_F(Store, ADeviceIsNeverReplacedByAFile) {
    if (!is_root()) {
        GTEST_SKIP() << "mknod needs root";
    }
    fs::path device = m_dir / "null";
    ASSERT_EQ(::mknod(device.c_str(), S_IFCHR | 0666, ::makedev(1, 3)), 0);
    auto r = write_file_atomically(device, "text\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              device.string() + ": is a character device, not a regular file; not read or written");
    struct stat st {};
    ASSERT_EQ(::lstat(device.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(Store, ARewriteKeepsOwnerGroupAndMode) {
    if (!is_root()) {
        GTEST_SKIP() << "giving a file to another user needs root";
    }
    fs::path registry = init_in(m_dir);
    ASSERT_EQ(::chown(registry.c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chmod(registry.c_str(), 0664), 0);
    auto store = FileRegistryStore::open({.registry = registry});
    ASSERT_TRUE(store->update([](PortAllocator& a) { return a.allocate("ntfy"); }));
    struct stat st {};
    ASSERT_EQ(::stat(registry.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534U);
    EXPECT_EQ(st.st_gid, 65534U);
    EXPECT_EQ(st.st_mode & 07777, 0664U);
}

TEST_F(Store, AReadOnlyFileIsCalledReadOnly) {
    fs::path registry = init_in(m_dir);
    ::chmod(registry.c_str(), 0444);
    auto store = FileRegistryStore::open({.registry = registry});
    auto r = store->update([](PortAllocator& a) { return a.allocate("ntfy"); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::permission_denied);
    EXPECT_EQ(r.error().message,
              registry.string() + ": the file is read-only (mode 0444); not changed");
}

TEST_F(Store, AFileOwnedByAnotherUserFoundByWalkingUpIsNotTrusted) {
    if (!is_root()) {
        GTEST_SKIP() << "planting another user's file needs root";
    }
    fs::path registry = init_in(m_dir);
    fs::create_directories(m_dir / "work");
    ASSERT_EQ(::chown(registry.c_str(), 65534, 65534), 0);
    auto store = FileRegistryStore::open({.start = m_dir / "work"});
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::untrusted);
    EXPECT_EQ(store.error().hint.kind, HintKind::trust_explicitly);
    EXPECT_EQ(store.error().message,
              registry.string() + ": not trusted: " + registry.string() +
                  " is owned by uid 65534; it was found by walking up, not named");
    // Named, it is trusted.
    EXPECT_TRUE(FileRegistryStore::open({.registry = registry}));
}

TEST_F(Store, AWorldWritableFolderNeedsTheStickyBit) {
    fs::path registry = init_in(m_dir / "shared");
    ::chmod((m_dir / "shared").c_str(), 0777);
    auto open = FileRegistryStore::open({.start = m_dir / "shared"});
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().code, ErrorCode::untrusted);
    EXPECT_NE(open.error().message.find("is writable by every user"), std::string::npos);
    ::chmod((m_dir / "shared").c_str(), 01777);
    EXPECT_TRUE(FileRegistryStore::open({.start = m_dir / "shared"}));
}

TEST_F(Store, ALinkPlantedByAnotherUserIsNotTrusted) {
    if (!is_root()) {
        GTEST_SKIP() << "needs root";
    }
    fs::path registry = init_in(m_dir / "mine");
    fs::create_directories(m_dir / "work");
    fs::create_symlink(registry, m_dir / "work" / k_registry_file);
    ASSERT_EQ(::lchown((m_dir / "work" / k_registry_file).c_str(), 65534, 65534), 0);
    auto open = FileRegistryStore::open({.start = m_dir / "work"});
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().code, ErrorCode::untrusted);
}

TEST(LockTimeout, IsDecimalSecondsOnly) {
    EXPECT_EQ(parse_lock_timeout("010", "t").value(), 10s);
    EXPECT_EQ(parse_lock_timeout("0", "t").value(), 0s);
    for (auto bad : {"0x10", "-1", "+5", "1.5", "", " 3", "86401"}) {
        auto r = parse_lock_timeout(bad, "lock timeout");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    }
    EXPECT_EQ(parse_lock_timeout("0x10", "lock timeout").error().message,
              "invalid lock timeout '0x10': expected a decimal number 0-86400");
}

TEST(ProcLocks, FindsTheWriterOfTheFileAndSkipsWaiters) {
    const std::string locks =
        "1: POSIX  ADVISORY  WRITE 99 08:01:77 0 EOF\n"
        "2: FLOCK  ADVISORY  WRITE 4242 fd:01:123456 0 EOF\n"
        "2: -> FLOCK  ADVISORY  WRITE 555 fd:01:123456 0 EOF\n"
        "3: FLOCK  ADVISORY  READ 77 fd:01:123456 0 EOF\n"
        "garbage line\n";
    EXPECT_EQ(find_flock_holder(locks, 0xfd, 0x01, 123456), 4242);
    EXPECT_EQ(find_flock_holder(locks, 0xfd, 0x01, 1), 0);
    EXPECT_EQ(find_flock_holder("", 0, 0, 0), 0);
    EXPECT_EQ(find_flock_holder("2: FLOCK ADVISORY WRITE -5 fd:01:1 0 EOF", 0xfd, 1, 1), 0);
}

TEST_F(Store, AHeldLockIsWaitedForWithAWordThenGivesUp) {
    fs::path registry = init_in(m_dir);
    int held = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_EQ(::flock(held, LOCK_EX), 0);
    StoreOptions options{.registry = registry};
    options.lock.timeout = 400ms;
    options.lock.notice_after = 100ms;
    int told = 0;
    LockHolder seen;
    options.lock.on_wait = [&](const fs::path&, const LockHolder& holder) {
        ++told;
        seen = holder;
    };
    auto store = FileRegistryStore::open(options);
    const auto start = std::chrono::steady_clock::now();
    auto r = store->update([](PortAllocator& a) { return a.allocate("ntfy"); });
    const auto waited = std::chrono::steady_clock::now() - start;
    ::close(held);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::lock_timeout);
    EXPECT_EQ(r.error().hint.kind, HintKind::wait_longer);
    EXPECT_GE(waited, 400ms);
    EXPECT_EQ(told, 1);
    EXPECT_EQ(seen.pid, ::getpid());  // this process holds it, through another descriptor
    EXPECT_NE(r.error().message.find("held by pid " + std::to_string(::getpid())),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(text_of(registry).find("ntfy"), std::string::npos);
}

TEST_F(Store, InitNeverOverwritesANamedFileWithoutForce) {
    fs::path named = m_dir / "ports-prod.toml";
    std::ofstream(named) << "# mine\n";
    InitOptions options;
    options.registry = named;
    auto r = init_registry(options);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::already_exists);
    EXPECT_EQ(r.error().hint.kind, HintKind::overwrite);
    EXPECT_EQ(text_of(named), "# mine\n");
    options.force = true;
    ASSERT_TRUE(init_registry(options));
    EXPECT_NE(text_of(named).find("schema_version = 1"), std::string::npos);
}

TEST_F(Store, InitForceInAnotherFormatLeavesOneRegistry) {
    init_in(m_dir);
    InitOptions options;
    options.folder = m_dir;
    options.format = RegistryFormat::yaml;
    options.force = true;
    auto r = init_registry(options);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(fs::exists(m_dir / k_registry_file));
    EXPECT_TRUE(fs::exists(m_dir / k_registry_yaml_file));
    ASSERT_EQ(r->removed.size(), 1U);
    EXPECT_EQ(r->removed[0], m_dir / k_registry_file);
    EXPECT_TRUE(FileRegistryStore::open({.start = m_dir}));  // not ambiguous
}

TEST_F(Store, InitRefusesAnExtensionThatDisagreesWithTheFormat) {
    InitOptions options;
    options.registry = m_dir / "harmony.network.ports.toml";
    options.format = RegistryFormat::yaml;
    auto r = init_registry(options);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().message, options.registry.string() +
                                     ": its name says toml, but a yaml registry was asked for");
    EXPECT_FALSE(fs::exists(options.registry));
}

TEST_F(Store, CheckReportsTheFilesConflictsFirstThenThePolicy) {
    fs::path registry = init_in(m_dir);
    std::ofstream(registry, std::ios::app) << "\n[[allocation]]\nname = \"twin\"\nport = 25080\n";
    auto store = FileRegistryStore::open({.registry = registry});
    ASSERT_TRUE(store);
    auto checked = check_store(*store, CheckOptions{});
    ASSERT_TRUE(checked) << checked.error().message;
    ASSERT_FALSE(checked->findings.empty());
    const Finding& first = checked->findings.front();
    EXPECT_EQ(first.code, "duplicate-port");
    EXPECT_NE(first.message.find("twin"), std::string::npos) << first.message;
    // The lenient read keeps both entries for the caller to see.
    EXPECT_EQ(checked->registry.allocations.size(), 3U);
    // The same policy findings a direct check of the registry gives.
    auto policy = check_registry(checked->registry, CheckOptions{});
    ASSERT_TRUE(policy);
    EXPECT_EQ(checked->findings.size(), policy->size() + 1);
}
