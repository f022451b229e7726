import Foundation
import GRDB
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Synchronization

/// A topic partition of the read model's inputs.
package struct ReadModelPartition: Sendable, Hashable {
    package var topic: String
    package var partition: Int32

    package init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}
