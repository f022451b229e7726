import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// The options every `models` subcommand shares.
struct ModelsContext: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    /// The operations, after topics are ensured.
    func operations(_ label: String) async throws -> ModelOperations {
        let logger = connection.makeLogger(label)
        let configuration = try engine.resolve(connection)
        try await ensureTopics(configuration, logger: logger)
        return ModelOperations(configuration: configuration, logger: logger)
    }
}
