import ArgumentParser

/// `leadledger-bench`: LeadLedger's benchmarks, one subcommand each.
/// Build with `-c release`; every benchmark prints its figures and, where it
/// has one, its baseline measured in the same run.
@main
struct LeadLedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger-bench",
        abstract: "LeadLedger benchmarks (build with -c release).",
        subcommands: [
            KafkaBenchCommand.self, CoreBenchmark.self, DecisionsBenchmark.self, DeciderBenchmark.self, XEducationBenchmark.self,
            EngineBenchmark.self, ReplayBenchmark.self, MetricsBenchmark.self, ChaosCommand.self,
        ]
    )
}
