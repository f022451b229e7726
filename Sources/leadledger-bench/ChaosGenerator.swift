import Foundation
import Synchronization

/// The steady workload of the chaos harness: `leadledger generate` in chunks of
/// five seconds' worth of messages at `rate`, each continuing the seeded
/// sequence where the previous one stopped (`--skip`), until ``stop()``.
final class ChaosGenerator: Sendable {
    let cli: String
    let config: String
    let directory: String
    let seed: UInt64
    let rate: Int
    private let stopped = Mutex(false)

    init(cli: String, config: String, directory: String, seed: UInt64, rate: Int) {
        self.cli = cli
        self.config = config
        self.directory = directory
        self.seed = seed
        self.rate = rate
    }

    /// Asks the generator to stop after the chunk it is producing.
    func stop() {
        stopped.withLock { $0 = true }
    }

    /// Produces chunks until stopped; returns how many messages were produced.
    func run() async throws -> Int {
        let chunk = rate * 5
        var produced = 0
        while !stopped.withLock({ $0 }) {
            let generate = try ChaosChild(
                executable: cli,
                arguments: [
                    "generate", "--config", config, "--seed", String(seed), "--malformed-rate", "0.03", "--events", String(chunk), "--skip",
                    String(produced), "--rate", String(rate),
                ],
                directory: directory, name: "generate")
            guard try await generate.wait(seconds: 600) == 0 else {
                throw BenchmarkFailure("generate failed: \(generate.stderr.suffix(2000))")
            }
            produced += chunk
        }
        return produced
    }
}
