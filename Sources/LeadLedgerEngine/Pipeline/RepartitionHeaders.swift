import Kafka
import LeadLedgerCore

/// Headers the validate stage puts on identity-repartition records: where the
/// original inbound message came from and which contract decodes it.
package enum RepartitionHeaders {
    /// The inbound contract (`crm.events`, `web.events`, `email.events`: `InboundTopic`).
    package static let contract = "ll-contract"
    /// The source topic as configured.
    package static let topic = "ll-source-topic"
    /// The source partition (decimal).
    package static let partition = "ll-source-partition"
    /// The source offset (decimal).
    package static let offset = "ll-source-offset"
    /// The first source offset the record accounts for (decimal): the offsets from
    /// there up to `offset` were not forwarded (transaction markers, or offsets below
    /// where the validate stage started reading). Absent on records written before
    /// it existed.
    package static let coversFrom = "ll-covers-from"
    /// Present on a skip marker: a record without value that only accounts for its
    /// source offset (and those from `coversFrom`), written for a rejected input
    /// after its DLQ record. Its value says why (`rejected`, or `output_too_large`
    /// for a valid input whose forwarded copy was too large to produce).
    package static let skipped = "ll-skipped"
}
