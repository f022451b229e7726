import Foundation
import GRDB
import LeadLedgerCore

/// A stored snapshot of one partition's processor state.
package struct Snapshot: Sendable, Hashable {
    /// The topic whose partition the state was derived from.
    package var topic: String
    /// The partition.
    package var partition: Int32
    /// The next offset to apply: the state reflects exactly the log prefix `0..<offset`.
    package var offset: Int64
    /// The processor's state format (`PartitionProcessor.snapshotFormat`).
    package var format: String
    /// The encoded state.
    package var state: [UInt8]

    /// Creates a snapshot.
    package init(topic: String, partition: Int32, offset: Int64, format: String, state: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.format = format
        self.state = state
    }
}
