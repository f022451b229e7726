import Kafka
import LeadLedgerCore

/// Maps configured inbound topic names to their contracts.
package struct InboundTopicMap: Sendable, Hashable {
    let byName: [String: InboundTopic]

    /// The map for `topics`.
    package init(_ topics: TopicNames) {
        byName = [topics.crm: .crm, topics.web: .web, topics.email: .email]
    }

    /// The contract of a topic.
    package func contract(of topic: String) -> InboundTopic? { byName[topic] }
}
