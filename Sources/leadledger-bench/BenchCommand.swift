import ArgumentParser

/// `leadledger-bench`: LeadLedger's benchmarks, one subcommand each.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger-bench",
        abstract: "LeadLedger benchmarks (build with -c release).",
        subcommands: [KafkaBenchCommand.self]
    )
}
