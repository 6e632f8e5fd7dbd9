#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <harmony/network/registry_file.hpp>

#include "unit/temp_folder.hpp"

using namespace harmony::network;
namespace fs = std::filesystem;

namespace {}  // namespace

using Files = harmony::testing::TempFolderTest;

TEST_F(Files, AtomicWriteReplacesContentAndKeepsMode) {
    fs::path file = m_dir / "r.toml";
    ASSERT_TRUE(write_file_atomically(file, "one\n"));
    ::chmod(file.c_str(), 0640);
    ASSERT_TRUE(write_file_atomically(file, "two\n"));
    EXPECT_EQ(read_file(file).value(), "two\n");
    struct stat st {};
    ::stat(file.c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0640U);
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator{}), 1);
}

TEST_F(Files, ReadOnlyFileIsNotChanged) {
    fs::path file = m_dir / "r.toml";
    ASSERT_TRUE(write_file_atomically(file, "keep\n"));
    ::chmod(file.c_str(), 0444);
    auto r = write_file_atomically(file, "lost\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::permission_denied);
    EXPECT_EQ(r.error().message,
              file.string() + ": the file is read-only (mode 0444); not changed");
    EXPECT_EQ(read_file(file).value(), "keep\n");
}

TEST_F(Files, MissingFileIsNotFound) {
    auto r = read_file(m_dir / "nope.toml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::file_not_found);
}

TEST_F(Files, DiscoveryWalksUpLikeGit) {
    fs::create_directories(m_dir / "a" / "b" / "c");
    std::ofstream(m_dir / "a" / "harmony.network.ports.yaml") << "";
    EXPECT_EQ(discover_registry(m_dir / "a" / "b" / "c"),
              m_dir / "a" / "harmony.network.ports.yaml");
    std::ofstream(m_dir / "a" / "b" / "harmony.network.ports.toml") << "";
    EXPECT_EQ(discover_registry(m_dir / "a" / "b" / "c"),
              m_dir / "a" / "b" / "harmony.network.ports.toml");
    EXPECT_EQ(format_for_path(m_dir / "x.yml"), RegistryFormat::yaml);
}

TEST_F(Files, LoadUsesTheRangeFromHarmonyTomlBesideTheRegistry) {
    std::ofstream(m_dir / "harmony.toml")
        << "[harmony.network.defaults]\norchestrator_port_range = \"40000-40099\"\n";
    std::ofstream(m_dir / "harmony.network.ports.toml")
        << "[[allocation]]\nname = \"a\"\nport = 25080\n";
    auto r = load_registry(paths_for(m_dir / "harmony.network.ports.toml"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, (m_dir / "harmony.network.ports.toml").string() +
                                     ":1:1: a 25080/tcp is outside the range 40000-40099");
}

TEST_F(Files, LockIsExclusiveAcrossDescriptors) {
    auto first = RegistryLock::acquire(m_dir);
    ASSERT_TRUE(first);
    pid_t pid = ::fork();
    if (pid == 0) {
        // The child must wait: try a non-blocking lock through a fresh descriptor.
        int fd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY);
        ::_exit(::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 1 : 0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 0);
}
