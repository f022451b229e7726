import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import LeadLedgerReadModel
import Logging
import Synchronization
import Testing

/// Records what would have been produced.
final class RecordingPublisher: OverridePublisher {
    let sent = Mutex<[(topic: String, key: String, value: [UInt8])]>([])

    func publish(topic: String, key: String, value: [UInt8]) async throws -> (partition: Int32, offset: Int64) {
        sent.withLock { sent in
            sent.append((topic, key, value))
            return (0, Int64(sent.count - 1))
        }
    }

    var count: Int { sent.withLock { $0.count } }
}

@Suite("Override service")
struct OverrideServiceTests {
    typealias F = ReadModelFixtures

    func makeService() throws -> (OverrideService, RecordingPublisher, ReadModelStore) {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply(ReadModelStoreTests.history())
        let publisher = RecordingPublisher()
        let service = OverrideService(
            store: store, publisher: publisher, crmTopic: "crm.events", logger: Logger(label: "test"),
            clock: { EventTime(milliseconds: 1_700_000_000_000) })
        return (service, publisher, store)
    }

    @Test func aRetryWithTheSameKeyProducesOneEvent() async throws {
        let (service, publisher, _) = try makeService()
        let request = OverrideRequest(leadID: ReadModelStoreTests.leadA, tier: .salesReady)
        let first = try await service.submit(request, idempotencyKey: "k-1", actor: "alice")
        let second = try await service.submit(request, idempotencyKey: "k-1", actor: "alice")
        #expect(publisher.count == 1)
        #expect(!first.replayed && second.replayed && first.eventID == "k-1" && second.offset == first.offset)
        let sent = try #require(publisher.sent.withLock { $0.first })
        #expect(sent.topic == "crm.events" && sent.key == "00Q1")
        let event = try CRMDecoder.decode(try JSONParser.parse(sent.value))
        #expect(event.eventID == "k-1" && event.recordID == "00Q1" && event.source == "salesforce")

        // Without a key every request is a new event.
        _ = try await service.submit(request, idempotencyKey: nil, actor: "alice")
        _ = try await service.submit(request, idempotencyKey: nil, actor: "alice")
        #expect(publisher.count == 3)
    }

    @Test func aKeyReusedForAnotherRequestIsAConflict() async throws {
        let (service, publisher, _) = try makeService()
        _ = try await service.submit(OverrideRequest(leadID: ReadModelStoreTests.leadA, tier: .nurture), idempotencyKey: "k", actor: "a")
        await #expect(throws: APIError(.conflict, "idempotency_conflict", "this Idempotency-Key was used for a different request")) {
            _ = try await service.submit(OverrideRequest(leadID: ReadModelStoreTests.leadA, tier: .review), idempotencyKey: "k", actor: "a")
        }
        #expect(publisher.count == 1)
    }

    @Test func aKeyTheLogAlreadyCarriesIsAnsweredWithoutProducing() async throws {
        let (service, publisher, store) = try makeService()
        var fields = CRMOverrideFields()
        fields.tier = .review
        fields.setBy = "bob"
        // The fixture's external id of a log event at source offset 50 is "ext-50".
        try store.apply([
            F.record(
                "events", 0, 5, F.event(.overrideSet(fields), lead: ReadModelStoreTests.leadA, account: "acme.io", time: 6_000, offset: 50))
        ])
        let answer = try await service.submit(
            OverrideRequest(leadID: ReadModelStoreTests.leadA, tier: .review), idempotencyKey: "ext-50", actor: "bob")
        #expect(answer.replayed && answer.setBy == "bob" && publisher.count == 0)
    }

    @Test func unknownLeadsAndLeadsWithoutACRMRecordAreRefused() async throws {
        let (service, publisher, _) = try makeService()
        await #expect(throws: APIError.notFound("lead")) {
            _ = try await service.submit(OverrideRequest(leadID: "ld_ffffffffffffffff", tier: .review), idempotencyKey: nil, actor: "a")
        }
        // Lead B is known only from a further decision: no CRM record to name.
        await #expect(throws: APIError(.conflict, "no_crm_record", "the lead has no CRM record: an override event names one")) {
            _ = try await service.submit(OverrideRequest(leadID: ReadModelStoreTests.leadB, tier: .review), idempotencyKey: nil, actor: "a")
        }
        #expect(publisher.count == 0)
    }

    /// A lead merged into another is refused: the override would reach the survivor.
    @Test func aMergedLeadIsRefusedNamingTheSurvivor() async throws {
        let (service, publisher, store) = try makeService()
        let survivor = "ld_00000000000000c3"
        try store.apply([
            F.record(
                "events", 1, 0,
                F.event(
                    .identityMerged(absorbed: LeadID(ReadModelStoreTests.leadA)!), lead: survivor, account: "acme.io", time: 9_000,
                    offset: 20))
        ])
        #expect(try store.lead(ReadModelStoreTests.leadA)?.person?.mergedInto == survivor)
        await #expect(
            throws: APIError(
                .conflict, "lead_merged", "\(ReadModelStoreTests.leadA) was merged into \(survivor): override \(survivor)")
        ) {
            _ = try await service.submit(OverrideRequest(leadID: ReadModelStoreTests.leadA, tier: .review), idempotencyKey: nil, actor: "a")
        }
        #expect(publisher.count == 0)
    }
}
