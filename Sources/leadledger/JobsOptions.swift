import ArgumentParser
import Foundation

/// `--jobs N`: how many log partitions a re-deriving command (`replay`, `audit
/// verify`, `backtest`) works on at once, each with its own state. Its results
/// never depend on N.
struct JobsOptions: ParsableArguments {
    @Option(
        help:
            "Log partitions worked on at once, each with its own state (default: the number of cores); the output is the same for any value."
    )
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    }
}
