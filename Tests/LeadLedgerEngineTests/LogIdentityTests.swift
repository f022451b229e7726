import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import Testing

@Suite("Log identity of a state directory")
struct LogIdentityTests {
    func record(partition: Int32 = 0, offset: Int64 = 0, timestamp: Int64?, value: String) -> LogRecord {
        var record = LogRecord(topic: "events", partition: partition, offset: offset, key: Array("k".utf8), value: Array(value.utf8))
        record.timestampMilliseconds = timestamp
        return record
    }

    @Test("the fingerprint tells a recreated log's first record from the original, even with equal bytes")
    func fingerprint() {
        let original = LogIdentity.fingerprint(record(timestamp: 1000, value: "a"))
        #expect(original == LogIdentity.fingerprint(record(timestamp: 1000, value: "a")))
        #expect(original != LogIdentity.fingerprint(record(timestamp: 2000, value: "a")))
        #expect(original != LogIdentity.fingerprint(record(timestamp: 1000, value: "b")))
        #expect(original.hasPrefix("fnv1a64:") && original.count == 24)
    }

    @Test("judge: same log, another log, an emptied partition, another topic, no identity")
    func judge() {
        let stored = LogIdentity(topic: "events", firstRecords: [0: "fnv1a64:a", 1: "fnv1a64:b"])
        let grown = LogIdentity(topic: "events", firstRecords: [0: "fnv1a64:a", 1: "fnv1a64:b", 2: "fnv1a64:c"])
        #expect(grown.judge(stored: stored, hasSnapshots: true, empty: [3]) == .same(bound: grown))

        let recreated = LogIdentity(topic: "events", firstRecords: [0: "fnv1a64:x", 1: "fnv1a64:b"])
        guard case .foreign(let reason) = recreated.judge(stored: stored, hasSnapshots: true, empty: []) else {
            Issue.record("a changed first record was not noticed")
            return
        }
        #expect(reason.contains("events[0]") && reason.contains("fnv1a64:x"), "\(reason)")

        let emptied = LogIdentity(topic: "events")
        guard case .foreign(let emptiedReason) = emptied.judge(stored: stored, hasSnapshots: true, empty: [0, 1]) else {
            Issue.record("an emptied log was not noticed")
            return
        }
        #expect(emptiedReason.contains("is empty now"), "\(emptiedReason)")

        let other = LogIdentity(topic: "other", firstRecords: [0: "fnv1a64:a"])
        #expect(other.judge(stored: stored, hasSnapshots: true, empty: []) != .same(bound: stored))

        #expect(emptied.judge(stored: nil, hasSnapshots: false, empty: [0]) == .fresh)
        // Recorded on an empty log and never bound (a crash soon after start): unknown, so not kept.
        let unbound = LogIdentity(topic: "events")
        #expect(grown.judge(stored: unbound, hasSnapshots: false, empty: []) == .same(bound: grown))
        guard case .foreign = grown.judge(stored: unbound, hasSnapshots: true, empty: []) else {
            Issue.record("snapshots of an unbound directory were kept")
            return
        }
        guard case .foreign = grown.judge(stored: nil, hasSnapshots: true, empty: []) else {
            Issue.record("snapshots without an identity were kept")
            return
        }
    }

    @Test("the stored form round-trips and refuses other versions")
    func codec() throws {
        let identity = LogIdentity(
            topic: "leadledger.events", firstRecords: [10: "fnv1a64:0000000000000001", 2: "fnv1a64:ffffffffffffffff"])
        let text = String(decoding: identity.bytes, as: UTF8.self)
        #expect(
            text
                == #"{"first_records":{"10":"fnv1a64:0000000000000001","2":"fnv1a64:ffffffffffffffff"},"schema_version":1,"topic":"leadledger.events"}"#
        )
        #expect(try LogIdentity(bytes: identity.bytes) == identity)
        #expect(throws: ContractError.self) { try LogIdentity(bytes: Array(#"{"schema_version":2,"topic":"t"}"#.utf8)) }
        #expect(throws: ContractError.self) {
            try LogIdentity(bytes: Array(#"{"first_records":{"x":"y"},"schema_version":1,"topic":"t"}"#.utf8))
        }
    }
}
