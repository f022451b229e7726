import Foundation

/// Starts the benchmarks' child processes (`leadledger` commands, scripts) with
/// `posix_spawn`: stdin from /dev/null, stdout and stderr to files.
enum ChildProcess {
    /// Starts `executable arguments`; `append` keeps what the output files hold
    /// (a restarted child keeps one history), else they are replaced.
    /// - Returns: the child's PID.
    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String, append: Bool) throws -> pid_t {
        let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, mode, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, mode, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchmarkFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// A `waitpid` status as an exit status: the code, or 128 + the signal that ended the child.
    static func exitStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }
}
