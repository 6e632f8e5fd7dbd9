// End-to-end: files are changed where they really are, never replaced when they are not
// regular files, keep their owner, are trusted only when they should be; init never
// overwrites; a held lock is waited for with a word.
#include <gtest/gtest.h>

#include <chrono>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_registry = "harmony.network.ports.toml";

class FilesCli : public ::testing::Test {
  protected:
    ProcessResult run(const std::vector<std::string>& args, const fs::path& cwd,
                      std::map<std::string, std::string> env = {}) {
        return harmony_ports(args, cwd, std::move(env));
    }
    ProcessResult run(const std::vector<std::string>& args) { return run(args, dir()); }
    // Runs harmony-ports as uid/gid 65534 (nobody).
    ProcessResult run_as_nobody(const std::vector<std::string>& args, const fs::path& cwd) {
        std::vector<std::string> argv{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                      "--clear-groups", HARMONY_PORTS_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, cwd, {{"NO_COLOR", "1"}, {"HARMONY_PORTS_REGISTRY", ""}});
    }
    fs::path init_in(const fs::path& folder) {
        fs::create_directories(folder);
        auto r = run({"init"}, folder);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return folder / k_registry;
    }
    const fs::path& dir() const { return m_dir.path(); }
    static bool is_root() { return ::geteuid() == 0; }
    static bool contains(const std::string& text, const std::string& part) {
        return text.find(part) != std::string::npos;
    }
    static bool is_one_error_line(const std::string& err) {
        return err.rfind("harmony-ports: error: ", 0) == 0 &&
               std::count(err.begin(), err.end(), '\n') == 1;
    }
    TempDir m_dir;
};

}  // namespace

TEST_F(FilesCli, ALinkedRegistryGetsTheAllocationAndStaysALink) {
    fs::path real = init_in(dir() / "checkout");
    fs::create_directories(dir() / "work");
    fs::create_symlink("../checkout/" + std::string(k_registry), dir() / "work" / "hop");
    fs::create_symlink("hop", dir() / "work" / k_registry);
    fs::copy_file(dir() / "checkout" / "harmony.toml", dir() / "work" / "harmony.toml");
    auto r = run({"allocate", "ntfy"}, dir() / "work");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir() / "work" / k_registry));
    EXPECT_TRUE(fs::is_symlink(dir() / "work" / "hop"));
    EXPECT_TRUE(contains(read_text(real), "name = \"ntfy\"\nport = " + r.out.substr(0, 5)));
    // Through --registry too, with an absolute link to a folder above the file.
    fs::create_directory_symlink(dir() / "checkout", dir() / "via");
    auto named = run({"--registry", (dir() / "via" / k_registry).string(), "allocate", "web"});
    ASSERT_EQ(named.exit_code, 0) << named.err;
    EXPECT_TRUE(fs::is_symlink(dir() / "via"));
    EXPECT_TRUE(contains(read_text(real), "name = \"web\""));
}

TEST_F(FilesCli, ALinkedOutputIsWrittenAtItsTarget) {
    init_in(dir());
    write_text(dir() / "rules.nft", "old\n");
    fs::create_symlink("rules.nft", dir() / "current.nft");
    auto r = run({"export", "--format", "nftables", "--output", "current.nft"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir() / "current.nft"));
    EXPECT_TRUE(contains(read_text(dir() / "rules.nft"), "table inet harmony"));
}

TEST_F(FilesCli, DevicesFifosSocketsAndFoldersAreRefusedUntouched) {
    init_in(dir());
    ASSERT_EQ(::mkfifo((dir() / "fifo").c_str(), 0644), 0);
    int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string sock_path = (dir() / "sock").string();
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path.c_str());
    ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    fs::create_directories(dir() / "folder");
    std::vector<std::pair<std::string, std::string>> targets{
        {"fifo", "a fifo"}, {"sock", "a socket"}, {"folder", "a folder"}};
    if (is_root()) {
        ASSERT_EQ(::mknod((dir() / "null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)), 0);
        targets.emplace_back("null", "a character device");
        ASSERT_EQ(::mknod((dir() / "block").c_str(), S_IFBLK | 0600, ::makedev(7, 200)), 0);
        targets.emplace_back("block", "a block device");
    }
    for (const auto& [name, kind] : targets) {
        const std::string path = (dir() / name).string();
        auto out = run({"export", "--format", "json", "--output", path});
        EXPECT_EQ(out.exit_code, 2) << name << out.err;
        EXPECT_EQ(out.err, "harmony-ports: error: " + path + ": is " + kind +
                               ", not a regular file; not read or written\n");
        auto kube = run({"check", "--kube", path});  // reading: refused before opening
        EXPECT_EQ(kube.exit_code, 2) << name << kube.err;
        EXPECT_TRUE(is_one_error_line(kube.err)) << kube.err;
    }
    auto registry = run({"--registry", (dir() / "fifo").string(), "allocate", "ntfy"});
    EXPECT_EQ(registry.exit_code, 2) << registry.err;
    struct stat st {};
    ASSERT_EQ(::lstat((dir() / "fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    if (is_root()) {
        ASSERT_EQ(::lstat((dir() / "null").c_str(), &st), 0);
        EXPECT_TRUE(S_ISCHR(st.st_mode));
    }
    ::close(sock);
}

TEST_F(FilesCli, StdoutAsAnOutputPathIsRefused) {
    init_in(dir());
    // /dev/stdout is a link to this process's stdout: a pipe here, never to be replaced.
    auto r = run({"export", "--format", "json", "--output", "/dev/stdout"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "not a regular file")) << r.err;
    struct stat st {};
    ASSERT_EQ(::lstat("/dev/stdout", &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_F(FilesCli, RootsRewriteKeepsTheOwnersFile) {
    if (!is_root()) {
        GTEST_SKIP() << "needs root";
    }
    fs::path registry = init_in(dir());
    ASSERT_EQ(::chown(registry.c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chmod(registry.c_str(), 0640), 0);
    auto r = run({"--registry", registry.string(), "allocate", "ntfy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::stat(registry.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534U);
    EXPECT_EQ(st.st_gid, 65534U);
    EXPECT_EQ(st.st_mode & 07777, 0640U);
    // ... so the owner can still allocate afterwards.
    ASSERT_EQ(::chmod(dir().c_str(), 0777), 0);
    auto owner = run_as_nobody({"--registry", registry.string(), "allocate", "web"}, dir());
    EXPECT_EQ(owner.exit_code, 0) << owner.err;
}

TEST_F(FilesCli, PermissionDeniedIsNotCalledReadOnly) {
    if (!is_root()) {
        GTEST_SKIP() << "needs root to act as another user";
    }
    fs::path registry = init_in(dir());
    ASSERT_EQ(::chmod(dir().c_str(), 0755), 0);
    const std::string before = read_text(registry);
    auto denied = run_as_nobody({"--registry", registry.string(), "allocate", "ntfy"}, dir());
    EXPECT_EQ(denied.exit_code, 3) << denied.err;
    EXPECT_EQ(denied.err, "harmony-ports: error: " + registry.string() +
                              ": permission denied: uid 65534 may not write it; not changed\n");
    ASSERT_EQ(::chmod(registry.c_str(), 0444), 0);
    auto read_only = run({"--registry", registry.string(), "allocate", "ntfy"});
    EXPECT_EQ(read_only.exit_code, 3) << read_only.err;
    EXPECT_TRUE(contains(read_only.err, "the file is read-only (mode 0444); not changed"));
    EXPECT_EQ(read_text(registry), before);
}

TEST_F(FilesCli, ARegistryPlantedAboveByAnotherUserIsNotTrusted) {
    if (!is_root()) {
        GTEST_SKIP() << "needs root to plant another user's file";
    }
    fs::path planted = init_in(dir());
    ASSERT_EQ(::chown(planted.c_str(), 65534, 65534), 0);
    fs::create_directories(dir() / "work");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"export", "--format", "nftables"},
          std::vector<std::string>{"allocate", "ntfy"}, std::vector<std::string>{"list"}}) {
        auto r = run(args, dir() / "work");
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;  // nothing from that file reached the output
        EXPECT_TRUE(is_one_error_line(r.err)) << r.err;
        EXPECT_TRUE(contains(r.err, planted.string() + ": not trusted: " + planted.string() +
                                        " is owned by uid 65534"))
            << r.err;
        EXPECT_TRUE(contains(r.err, "HARMONY_PORTS_REGISTRY")) << r.err;
    }
    // Named, it is trusted: as an option or through the environment.
    EXPECT_EQ(run({"--registry", planted.string(), "list"}, dir() / "work").exit_code, 0);
    EXPECT_EQ(
        run({"list"}, dir() / "work", {{"HARMONY_PORTS_REGISTRY", planted.string()}}).exit_code, 0);
}

TEST_F(FilesCli, AHarmonyTomlPlantedAboveIsNotTrustedEither) {
    if (!is_root()) {
        GTEST_SKIP() << "needs root to plant another user's file";
    }
    write_text(dir() / "harmony.toml",
               "[harmony.network.defaults]\norchestrator_port_range = \"20000-20999\"\n");
    ASSERT_EQ(::chown((dir() / "harmony.toml").c_str(), 65534, 65534), 0);
    fs::create_directories(dir() / "work");
    auto r = run({"list"}, dir() / "work");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "harmony.toml: not trusted")) << r.err;
}

TEST_F(FilesCli, AWorldWritableFolderWithoutTheStickyBitIsNotTrusted) {
    init_in(dir() / "shared");
    ASSERT_EQ(::chmod((dir() / "shared").c_str(), 0777), 0);
    auto r = run({"list"}, dir() / "shared");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "is writable by every user")) << r.err;
    ASSERT_EQ(::chmod((dir() / "shared").c_str(), 01777), 0);
    EXPECT_EQ(run({"list"}, dir() / "shared").exit_code, 0);
}

TEST_F(FilesCli, InitNeverOverwritesANamedRegistry) {
    const std::string named = (dir() / "prod.toml").string();
    write_text(named, "# hand-written\n");
    for (const auto& [args, env] :
         {std::pair{std::vector<std::string>{"--registry", named, "init"},
                    std::map<std::string, std::string>{}},
          std::pair{std::vector<std::string>{"init"},
                    std::map<std::string, std::string>{{"HARMONY_PORTS_REGISTRY", named}}}}) {
        auto r = run(args, dir(), env);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_TRUE(contains(r.err, named + " already exists")) << r.err;
        EXPECT_EQ(read_text(named), "# hand-written\n");
    }
    EXPECT_EQ(run({"--registry", named, "init", "--force"}).exit_code, 0);
    EXPECT_TRUE(contains(read_text(named), "schema_version = 1"));
}

TEST_F(FilesCli, InitForceInYamlReplacesTheTomlRegistry) {
    init_in(dir());
    auto r = run({"init", "--force", "--format", "yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir() / k_registry));
    EXPECT_TRUE(fs::exists(dir() / "harmony.network.ports.yaml"));
    EXPECT_TRUE(contains(r.out, "removed " + (dir() / k_registry).string())) << r.out;
    EXPECT_EQ(run({"list"}).exit_code, 0);  // one registry: not ambiguous
}

TEST_F(FilesCli, InitRefusesAnExtensionThatDisagreesWithTheFormat) {
    const std::string path = (dir() / "ports.toml").string();
    auto r = run({"--registry", path, "init", "--format", "yaml"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "harmony-ports: error: " + path +
                         ": its name says toml, but a yaml registry was asked for\n");
    EXPECT_FALSE(fs::exists(path));
}

TEST_F(FilesCli, AHeldLockIsWaitedForWithAWordThenExit3) {
    fs::path registry = init_in(dir());
    const std::string before = read_text(registry);
    // A real holder: flock(1) holding the folder's lock while it sleeps.
    pid_t holder = ::fork();
    ASSERT_GE(holder, 0);
    if (holder == 0) {
        ::setpgid(0, 0);  // one group: flock and its sleep go together
        ::execlp("flock", "flock", "--close", dir().c_str(), "sleep", "30",
                 static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait until it holds the lock.
    for (int i = 0; i < 500; ++i) {
        int fd = ::open(dir().c_str(), O_RDONLY | O_DIRECTORY);
        const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        if (!free) {
            break;
        }
        ::usleep(10'000);
    }
    const auto start = std::chrono::steady_clock::now();
    auto r = run({"--lock-timeout", "2", "allocate", "ntfy"});
    const auto waited = std::chrono::steady_clock::now() - start;
    auto env = run({"allocate", "ntfy"}, dir(), {{"HARMONY_PORTS_LOCK_TIMEOUT", "1"}});
    ::kill(-holder, SIGTERM);
    ::waitpid(holder, nullptr, 0);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_GE(waited, std::chrono::seconds(2));
    EXPECT_LT(waited, std::chrono::seconds(20));
    const std::string who = "held by pid " + std::to_string(holder) + " (flock)";
    EXPECT_TRUE(contains(r.err, "harmony-ports: waiting for the registry lock on " +
                                    dir().string() + ", " + who + "\n"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "harmony-ports: error: " + dir().string() +
                                    ": the registry lock is still held by pid " +
                                    std::to_string(holder) + " (flock) after 2 s; nothing changed"))
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(env.exit_code, 3) << env.err;
    EXPECT_EQ(read_text(registry), before);
    // Once the holder is gone, the same call succeeds.
    EXPECT_EQ(run({"--lock-timeout", "2", "allocate", "ntfy"}).exit_code, 0);
}

TEST_F(FilesCli, LockTimeoutsAreDecimal) {
    init_in(dir());
    auto hex = run({"--lock-timeout", "0x10", "allocate", "ntfy"});
    EXPECT_EQ(hex.exit_code, 2) << hex.err;
    EXPECT_EQ(hex.err,
              "harmony-ports: error: invalid lock timeout '0x10': expected a decimal number "
              "0-86400\n");
    auto env = run({"allocate", "ntfy"}, dir(), {{"HARMONY_PORTS_LOCK_TIMEOUT", "5s"}});
    EXPECT_EQ(env.exit_code, 2) << env.err;
    EXPECT_TRUE(contains(env.err, "invalid HARMONY_PORTS_LOCK_TIMEOUT '5s'")) << env.err;
}
