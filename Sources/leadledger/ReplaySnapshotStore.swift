import Foundation
import LeadLedgerEngine
import Logging

/// The snapshot store `replay` and `audit verify` restore from: none when the
/// range starts at offset 0 (nothing to restore), and none, with a message on
/// stderr, when the state directory's snapshots came from another log (a
/// recreated topic, another broker); the state is then rebuilt from offset 0.
/// Unlike `run`, these commands never delete anything.
func replaySnapshotStore(_ configuration: EngineConfiguration, from offset: Int64, logger: Logger) async throws -> SnapshotStore? {
    guard offset > 0 else { return nil }
    let binding = StateDirectoryBinding(
        directory: configuration.stateDirectory, topic: configuration.topics.events,
        partitions: try await partitions(of: configuration.topics.events, configuration: configuration, logger: logger),
        reader: LogReader(client: configuration.client("leadledger-identity-check"), logger: logger))
    if case .foreign(let reason) = try await binding.judge() {
        FileHandle.standardError.write(
            Data(
                "STATE DIRECTORY FROM ANOTHER LOG: \(configuration.stateDirectory): \(reason). Ignoring its snapshots: the state is rebuilt from offset 0\n"
                    .utf8))
        return nil
    }
    return try SnapshotStore(directory: configuration.stateDirectory)
}
