import Foundation

/// One run of a command, timed: its wall time and the CPU time it and its
/// children used (from `wait4`'s resource usage, so a client's threads count).
struct TimedCommand {
    /// The exit status: the code, or 128 + the signal that ended it.
    var status: Int32
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    /// Where its standard output went.
    var stdoutPath: String
    var stderrPath: String

    var cpuSeconds: Double { userSeconds + systemSeconds }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Runs `executable arguments` to its end (stdin /dev/null, stdout and
    /// stderr to `directory/name.out|.err`, replaced) and times it.
    static func run(_ executable: String, _ arguments: [String], directory: String, name: String) throws -> TimedCommand {
        let stdoutPath = (directory as NSString).appendingPathComponent("\(name).out")
        let stderrPath = (directory as NSString).appendingPathComponent("\(name).err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let started = ContinuousClock.now
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchmarkFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) == -1 {
            guard errno == EINTR else { throw BenchmarkFailure("waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let elapsed = ContinuousClock.now - started
        let signal = raw & 0x7F
        return TimedCommand(
            status: signal == 0 ? (raw >> 8) & 0xFF : 128 + signal,
            wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            userSeconds: Self.seconds(usage.ru_utime), systemSeconds: Self.seconds(usage.ru_stime),
            stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}
