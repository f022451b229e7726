import ArgumentParser

/// `leadledger dlq`: tools for the dead-letter topic.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Tools for the dead-letter topic (leadledger.dlq).",
        subcommands: [DLQRedriveCommand.self]
    )
}
