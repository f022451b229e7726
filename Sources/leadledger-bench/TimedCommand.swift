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
        let started = ContinuousClock.now
        let pid = try ChildProcess.spawn(executable, arguments, stdout: stdoutPath, stderr: stderrPath, append: false)
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) == -1 {
            guard errno == EINTR else { throw BenchmarkFailure("waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let elapsed = ContinuousClock.now - started
        return TimedCommand(
            status: ChildProcess.exitStatus(raw),
            wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            userSeconds: Self.seconds(usage.ru_utime), systemSeconds: Self.seconds(usage.ru_stime),
            stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}
