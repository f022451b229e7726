import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid`.
///
/// The tests do not use Foundation's `Process`: on Linux it learns of a child's
/// exit through a socket the child inherits, and its one monitor thread then
/// calls a blocking `waitpid`. A child that closes that socket early (a shell that
/// closes inherited descriptors) holds the monitor thread until it exits, and
/// meanwhile no other child's exit is noticed, so unrelated tests running in
/// parallel wait for processes that ended long ago. Here each child's status is
/// read by whoever asks (`waitpid` with `WNOHANG`), its standard streams go to
/// files or `/dev/null` (no pipes another child could inherit and hold open),
/// and every other descriptor is closed in the child.
package final class ChildProcess: Sendable {
    /// Where the child's standard input comes from.
    package enum Input: Sendable {
        case null
        case file(String)
    }

    /// Where a standard output stream of the child goes.
    package enum Output: Sendable {
        case null
        /// Appended to the file (created if missing).
        case file(String)
        /// The test process's own stream.
        case inherit
    }

    /// The process id.
    package let pid: pid_t
    /// The executable and its arguments.
    package let arguments: [String]
    /// The raw wait status once reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`.
    /// - Parameter environment: the child's whole environment (nil: this process's).
    /// - Throws: `TestFailure` when the executable cannot be started.
    package init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Input = .null, stdout: Output = .null,
        stderr: Output = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch stdin {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        }
        for (descriptor, output) in [(Int32(1), stdout), (2, stderr)] {
            switch output {
            case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .inherit: break
            }
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
        self.arguments = [executable] + arguments
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which
    /// the Swift module does not import; nil where it is missing (the child then
    /// inherits the descriptors, which only files and sockets of this process are).
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// The exit status once the child ended (its exit code, or 128 + n when signal
    /// n ended it), nil while it runs. Reaps the child the first time it is seen gone.
    package var exitStatus: Int32? {
        reaped.withLock { raw in
            if raw == nil {
                var status: Int32 = 0
                var result: pid_t
                repeat { result = waitpid(pid, &status, WNOHANG) } while result == -1 && errno == EINTR
                if result == pid { raw = status }
            }
            return raw.map(Self.decode)
        }
    }

    /// Whether the child is still running.
    package var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the child while it runs (never to a reaped pid, which the
    /// system may have given to another process).
    package func signal(_ signal: Int32) {
        reaped.withLock { raw in
            if raw == nil { kill(pid, signal) }
        }
    }

    /// Waits for the exit, polling; returns the status. On cancellation (a test's
    /// time limit) the child is killed: a failing test leaves no process behind.
    package func wait() async throws -> Int32 {
        while true {
            if let status = exitStatus { return status }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                signal(SIGKILL)
                throw error
            }
        }
    }

    /// Waits for the exit, polling; nil when it still runs after `seconds`.
    package func wait(seconds: Double) async throws -> Int32? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now > deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Blocks the calling thread until the child exits (polling, so `signal` stays
    /// usable meanwhile); returns its status. For synchronous fixture setup and
    /// Dispatch threads, never a cooperative thread other tests' tasks need.
    package func waitBlocking() -> Int32 {
        while true {
            if let status = exitStatus { return status }
            usleep(20_000)
        }
    }

    /// A raw wait status as a shell reports it.
    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}
