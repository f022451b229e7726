import Foundation
import Kafka
import Logging

/// Sets up crypto-shredding for a command: the master key from
/// `LEADLEDGER_MASTER_KEY_FILE`, the keys topic and the loaded keyring.
package enum PrivacySetup {
    /// The sealer for `configuration`, or nil when no master key is configured
    /// (plaintext mode). `run` creates the keys topic (`createTopic`); tools only
    /// read it and start with no keys when it does not exist.
    /// - Throws: `master_key` for an unreadable or invalid key file; `subject_key`
    ///   or `topic_setup` when the keys topic cannot be read or created.
    package static func sealer(
        for configuration: EngineConfiguration, environment: [String: String], createTopic: Bool, logger: Logger
    ) async throws -> PersonalDataSealer? {
        guard let master = try MasterKey.load(environment: environment) else { return nil }
        let keyring = SubjectKeyring(master: master)
        let reader = LogReader(client: configuration.client("leadledger-keys"), logger: logger)
        let admin = try KafkaAdminClient(
            configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
            logger: logger)
        let exists: Bool
        do {
            if createTopic {
                try await SubjectKeyring.ensureTopic(keyring.topic, admin: admin, replicationFactor: configuration.replicationFactor)
                exists = true
            } else {
                exists = try await admin.listTopics().contains { $0.name == keyring.topic }
            }
            await admin.close()
        } catch {
            await admin.close()
            throw error
        }
        if exists { try await keyring.refresh(reader: reader) }
        return PersonalDataSealer(keyring: keyring, reader: exists ? reader : nil)
    }

    /// The warning `run` logs without a master key.
    package static let plaintextWarning =
        "NO MASTER KEY: \(MasterKey.environmentVariable) is not set. Personal data is written to the log in plaintext, new lead ids are unkeyed hashes, and privacy.erasure clears only the projections (see docs/privacy.md)"
}
