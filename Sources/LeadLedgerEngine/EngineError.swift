/// An error of the engine: a code, the context it happened in, and a readable reason.
package struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, machine-readable.
    package enum Code: String, Sendable, Hashable {
        /// The configuration file or a flag is invalid.
        case invalidConfiguration = "invalid_configuration"
        /// A topic could not be created or is missing.
        case topicSetup = "topic_setup"
        /// The broker did not acknowledge an output (after librdkafka's retries).
        case deliveryFailed = "delivery_failed"
        /// A commit failed.
        case commitFailed = "commit_failed"
        /// The snapshot store could not be opened or written.
        case snapshotStore = "snapshot_store"
        /// A snapshot could not be decoded (checksum, format version, or content).
        case snapshotUnreadable = "snapshot_unreadable"
        /// Reading a partition of the log failed.
        case logRead = "log_read"
        /// The canonical log's topic deletes or compacts records (`run` refuses it
        /// unless `--allow-finite-log-retention`).
        case finiteLogRetention = "finite_log_retention"
        /// The audit topic differs from the re-derived decisions.
        case auditMismatch = "audit_mismatch"
        /// `LEADLEDGER_MASTER_KEY_FILE` names a file that cannot be read or holds no valid key.
        case masterKey = "master_key"
        /// A subject key could not be stored, read or unwrapped (`leadledger.keys`).
        case subjectKey = "subject_key"
    }

    /// The code.
    package var code: Code
    /// Where: a topic partition, a file, a command.
    package var context: String
    /// A readable reason.
    package var reason: String

    /// Creates an error.
    package init(_ code: Code, context: String, _ reason: String) {
        self.code = code
        self.context = context
        self.reason = reason
    }

    package var description: String { "\(code.rawValue) (\(context)): \(reason)" }
}
