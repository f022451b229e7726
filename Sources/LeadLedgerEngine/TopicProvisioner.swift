import Foundation
import Kafka
import LeadLedgerDecisions

/// Creates the engine's missing topics.
package enum TopicProvisioner {
    /// Creates every topic of `configuration` that does not exist yet.
    /// - Returns: the names of the topics created.
    @discardableResult
    package static func ensureTopics(_ configuration: EngineConfiguration, admin: KafkaAdminClient) async throws(EngineError) -> [String] {
        let existing: Set<String>
        do {
            existing = Set(try await admin.listTopics().map(\.name))
        } catch {
            throw EngineError(.topicSetup, context: configuration.brokers.joined(separator: ","), "cannot list topics: \(error)")
        }
        let missing = configuration.topicSpecifications.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return [] }
        let results: [String: KafkaError?]
        do {
            results = try await admin.createTopics(missing)
        } catch {
            throw EngineError(.topicSetup, context: missing.map(\.name).joined(separator: ","), "cannot create topics: \(error)")
        }
        var created: [String] = []
        for topic in missing {
            if let error = results[topic.name] ?? nil, error.code != .topicAlreadyExists {
                throw EngineError(.topicSetup, context: topic.name, "cannot create: \(error)")
            }
            created.append(topic.name)
        }
        return created
    }
}
