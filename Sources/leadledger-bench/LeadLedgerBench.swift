import ArgumentParser

/// `leadledger-bench`: benchmarks. The lead merges this root with the Kafka
/// benchmark's; the core benchmark is the `core` subcommand.
@main
struct LeadLedgerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger-bench",
        abstract: "LeadLedger benchmarks.",
        subcommands: [CoreBenchmark.self]
    )
}
