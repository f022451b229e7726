import ArgumentParser

/// `leadledger`: the LeadLedger command line. Engine commands (`run`, `replay`, ...)
/// are added as further subcommands next to the Kafka utilities.
@main
struct LeadLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadledger",
        abstract: "LeadLedger: event-sourced B2B lead qualification on Kafka.",
        subcommands: [TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GenerateCommand.self, RunCommand.self, TrainCommand.self, ReplayCommand.self, AuditCommand.self, ExplainCommand.self, WatchCommand.self, LagCommand.self]
    )
}
