import ArgumentParser

/// Benchmarks of LeadLedger's stages. Each benchmark is a subcommand.
@main
struct LeadLedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger-bench",
        abstract: "LeadLedger benchmarks.",
        subcommands: [DecisionsBenchmark.self]
    )
}
