import Foundation
import Synchronization

/// Standard output for several partitions replayed at once, printed in
/// partition order as if they had run one after another: the first unfinished
/// partition writes straight through, every later one spools to a temporary
/// file until all partitions before it are done. The printed bytes are the same
/// for any `--jobs`, and output starts at once.
final class OrderedPartitionOutput: Sendable {
    private struct State {
        /// The position (in replay order) of the partition that writes through.
        var current = 0
        var finished: [Bool]
        /// The spool file of each later partition that has written something.
        var spools: [FileHandle?]
    }

    private let state: Mutex<State>
    private let directory: String

    /// Output for `count` partitions, identified by their position in the replay order.
    init(count: Int) throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadledger-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        state = Mutex(State(finished: Array(repeating: false, count: count), spools: Array(repeating: nil, count: count)))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func spoolPath(_ index: Int) -> String {
        (directory as NSString).appendingPathComponent("\(index)")
    }

    /// Prints `text` for the partition at `index`, or spools it until that partition's turn.
    func write(_ text: String, at index: Int) throws {
        try state.withLock { state in
            if index == state.current {
                StandardOutput.write(text)
                return
            }
            if state.spools[index] == nil {
                guard FileManager.default.createFile(atPath: spoolPath(index), contents: nil) else {
                    throw RuntimeFailure("cannot create the spool file \(spoolPath(index))")
                }
                state.spools[index] = try FileHandle(forWritingTo: URL(fileURLWithPath: spoolPath(index)))
            }
            try state.spools[index]?.write(contentsOf: Data(text.utf8))
        }
    }

    /// Marks the partition at `index` done, and prints what every partition that
    /// is now first has spooled (a finished one entirely; a running one then
    /// writes straight through).
    func finish(at index: Int) throws {
        try state.withLock { state in
            state.finished[index] = true
            while state.current < state.finished.count, state.finished[state.current] {
                state.current += 1
                guard state.current < state.finished.count, let spool = state.spools[state.current] else { continue }
                try spool.close()
                state.spools[state.current] = nil
                try copyToStandardOutput(spoolPath(state.current))
                try FileManager.default.removeItem(atPath: spoolPath(state.current))
            }
        }
    }

    private func copyToStandardOutput(_ path: String) throws {
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { StandardOutput.write($0) }
        }
    }
}
