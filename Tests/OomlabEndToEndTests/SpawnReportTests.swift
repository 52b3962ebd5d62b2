import Foundation
import Testing

import OomlabTestSupport

/// `oomlab_spawn`'s report of a child that failed before or at `execve`, tried in a C program of its own so that
/// the program can free the descriptors the report pipe would otherwise never get.
@Suite(.enabled(if: CProgram.unavailable == nil, "\(CProgram.unavailable ?? "")"))
struct SpawnReportTests {
  /// Closes 3 and 4, so the report pipe gets them, and spawns a missing program with two descriptors duplicated
  /// onto 3 and 4; prints the return value, the failed step, errno, and the bytes that reached the second target.
  static let program = """
    #define _GNU_SOURCE
    #include "oomlab_shim.h"
    #include <errno.h>
    #include <fcntl.h>
    #include <stdio.h>
    #include <sys/mman.h>
    #include <sys/wait.h>
    #include <unistd.h>
    int main(void) {
      int first = memfd_create("first", MFD_CLOEXEC), second = memfd_create("second", MFD_CLOEXEC);
      int from[2] = {fcntl(first, F_DUPFD_CLOEXEC, 20), fcntl(second, F_DUPFD_CLOEXEC, 20)};
      int to[2] = {3, 4};
      for (int fd = 3; fd < 20; fd++) close(fd);
      oomlab_spawn_options options = {.from = from, .to = to, .count = 2, .cgroup_procs_fd = -1};
      char *argv[] = {"/nonexistent/oomlab-spawn-test", NULL};
      char *envp[] = {NULL};
      int pid = oomlab_spawn(argv[0], argv, envp, &options);
      int error = errno;
      if (pid > 0) waitpid(pid, NULL, 0);
      printf("%d %d %d %ld\\n", pid > 0 ? 1 : pid, options.failed_step, error, (long)lseek(from[1], 0, SEEK_END));
      return 0;
    }
    """

  @Test func anExecFailureIsReportedEvenWhenThePipeHadTheTargetDescriptors() throws {
    let shim = repositoryRoot().appendingPathComponent("Sources/COomlabShim")
    let program = try CProgram(
      Self.program,
      flags: [shim.appendingPathComponent("shim.c").path, "-I", shim.appendingPathComponent("include").path, "-pthread"])
    defer { program.cleanUp() }
    let fields = try program.run([]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    try #require(fields.count == 4)
    // -1 at the exec step with ENOENT; before the fix the pipe's write end was 4, dup2 replaced it with the
    // second target, the failure went into that file, and the spawn looked like a success.
    #expect(fields[0] == -1, "oomlab_spawn returned a pid for a program that does not exist")
    #expect(fields[1] == 6 && fields[2] == Int(ENOENT), "step \(fields[1]), errno \(fields[2])")
    #expect(fields[3] == 0, "\(fields[3]) bytes of the report went to the child's descriptor 4")
  }
}
