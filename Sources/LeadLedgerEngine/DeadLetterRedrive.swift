import LeadLedgerCore

/// What `leadledger dlq redrive` does with the records of `leadledger.dlq`: which
/// ones it re-produces, and how it remembers them so a second run repeats nothing.
///
/// A record is selected when its error code is the one asked for, it was written
/// at or after `since` (its Kafka timestamp), it was rejected by the validate stage
/// (its source is an inbound topic: an input the materialize stage rejected came
/// from the canonical log, which is fixed by a replay, not by producing again), what
/// it holds of the original is the inbound message (not the repartition topic's
/// binary form, which a record of the identity step holds), and no marker names it yet. Markers live in a compacted topic (``markerTopic(dlq:)``)
/// keyed by ``markerKey(partition:offset:)``; one is written after the re-produced
/// original is acknowledged.
package enum DeadLetterRedrive {
    /// The header a re-produced original carries: the DLQ record it came from (`dlq/<partition>/<offset>`).
    package static let header = "leadledger-redrive-of"

    /// The compacted topic of redrive markers for the DLQ topic `dlq`.
    package static func markerTopic(dlq: String) -> String { dlq + ".redriven" }

    /// The marker key of the DLQ record at `partition`/`offset`.
    package static func markerKey(partition: Int32, offset: Int64) -> String { "dlq/\(partition)/\(offset)" }

    /// Why a DLQ record is not re-produced.
    package enum Skip: String, Sendable, CaseIterable {
        /// A marker names it: an earlier run re-produced it.
        case alreadyRedriven = "already_redriven"
        /// Rejected by the materialize stage (its source is the canonical log).
        case notInbound = "not_inbound"
        /// A reference record whose original is gone from its source, or is not the referenced bytes.
        case originalMissing = "original_missing"
        /// Written by the identity step for a message the validate stage had accepted: what the
        /// record holds of the original is the repartition topic's binary form
        /// (``RepartitionRecord``), not the inbound message, which stays at the source position.
        case repartitionForm = "repartition_form"
    }

    /// The decision for one DLQ record with the asked-for code.
    package enum Verdict: Sendable, Equatable {
        case redrive
        case skip(Skip)
    }

    /// The verdict on `letter` (stored at `partition`/`offset` of the DLQ, already
    /// filtered by code and time), given the marker keys seen and the inbound topics.
    package static func verdict(
        _ letter: DeadLetter, partition: Int32, offset: Int64, markers: Set<String>, inboundTopics: Set<String>
    ) -> Verdict {
        if markers.contains(markerKey(partition: partition, offset: offset)) { return .skip(.alreadyRedriven) }
        if letter.stage != .resolve || !inboundTopics.contains(letter.source.topic) { return .skip(.notInbound) }
        let first: UInt8? =
            switch letter.original {
            case .copy(let bytes): bytes.first
            case .reference(let reference): reference.prefix.first
            }
        if first == RepartitionRecord.magic { return .skip(.repartitionForm) }
        return .redrive
    }

    /// The marker's value: where the record was, what it was, and where the original went again.
    package static func marker(
        _ letter: DeadLetter, partition: Int32, offset: Int64, redrivenTo: (topic: String, partition: Int32, offset: Int64)
    ) -> [UInt8] {
        func position(_ topic: String, _ partition: Int32, _ offset: Int64) -> JSONValue {
            .object(
                JSONObject([
                    .init("topic", .string(topic)), .init("partition", .number(Double(partition))),
                    .init("offset", .number(Double(offset))),
                ]))
        }
        return CanonicalJSON.encode(
            .object(
                JSONObject([
                    .init(
                        "dlq",
                        .object(JSONObject([.init("partition", .number(Double(partition))), .init("offset", .number(Double(offset)))]))),
                    .init("error_code", .string(letter.error.code.rawValue)),
                    .init("source", position(letter.source.topic, letter.source.partition, letter.source.offset)),
                    .init("redriven_to", position(redrivenTo.topic, redrivenTo.partition, redrivenTo.offset)),
                ])))
    }
}
