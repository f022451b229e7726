import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import Logging

/// Turns a validated override request into a CRM event on the inbound CRM
/// topic, so the override goes through the log and is decided and audited like
/// any other event. One request at a time: a retried request with the same
/// `Idempotency-Key` (the event's `event_id`) finds the first one's answer and
/// produces nothing.
package actor OverrideService {
    let store: ReadModelStore
    let publisher: any OverridePublisher
    let crmTopic: String
    let clock: @Sendable () -> EventTime
    let logger: Logger

    package init(
        store: ReadModelStore, publisher: any OverridePublisher, crmTopic: String, logger: Logger,
        clock: @escaping @Sendable () -> EventTime = { EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
    ) {
        self.store = store
        self.publisher = publisher
        self.crmTopic = crmTopic
        self.logger = logger
        self.clock = clock
    }

    /// Produces the override event (or answers a repeated request from its first answer).
    /// - Returns: the response body and whether it is a replay.
    package func submit(_ request: OverrideRequest, idempotencyKey: String?, actor name: String) async throws
        -> APIResponse.OverrideAccepted
    {
        let digest = Self.digest(request, actor: name)
        if let key = idempotencyKey {
            if let earlier = try store.idempotentResponse(key) {
                guard earlier.requestDigest == digest else {
                    throw APIError(.conflict, "idempotency_conflict", "this Idempotency-Key was used for a different request")
                }
                var answer = try JSONDecoder().decode(APIResponse.OverrideAccepted.self, from: Data(earlier.response.utf8))
                answer.replayed = true
                return answer
            }
            if let seen = try store.overrideEvent(key) {
                guard seen.leadID == request.leadID, seen.type == request.eventType else {
                    throw APIError(.conflict, "idempotency_conflict", "this Idempotency-Key was used for a different request")
                }
                return APIResponse.OverrideAccepted(
                    eventID: key, type: seen.type, leadID: seen.leadID, setBy: seen.setBy, topic: crmTopic, partition: nil, offset: nil,
                    replayed: true)
            }
        }
        guard let known = try store.lead(request.leadID) else { throw APIError.notFound("lead") }
        if let survivor = known.person?.mergedInto {
            // Its CRM record now names the surviving lead: the override would change that lead's route, not this one's.
            throw APIError(.conflict, "lead_merged", "\(request.leadID) was merged into \(survivor): override \(survivor)")
        }
        guard let record = known.person?.crmRecord, record.contains(":") else {
            throw APIError(.conflict, "no_crm_record", "the lead has no CRM record: an override event names one")
        }
        let eventID = idempotencyKey ?? "ovr_" + UUID().uuidString.lowercased()
        let value = request.crmEvent(eventID: eventID, crmRecord: record, setBy: name, occurredAt: clock())
        let key = String(record[record.index(after: record.firstIndex(of: ":")!)...])
        let written: (partition: Int32, offset: Int64)
        do {
            written = try await publisher.publish(topic: crmTopic, key: key, value: value)
        } catch {
            logger.error("override event \(eventID) not delivered: \(type(of: error))")
            throw APIError(
                .serviceUnavailable, "publish_failed", "the override event could not be written; retry with the same Idempotency-Key")
        }
        let answer = APIResponse.OverrideAccepted(
            eventID: eventID, type: request.eventType, leadID: request.leadID, setBy: name, topic: crmTopic, partition: written.partition,
            offset: written.offset, replayed: false)
        let encoded = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        try store.recordIdempotent(eventID, requestDigest: digest, response: encoded)
        logger.notice(
            "override: \(request.eventType) \(eventID) for \(request.leadID) by \(name) -> \(crmTopic)[\(written.partition)]@\(written.offset)"
        )
        return answer
    }

    /// SHA-256 over the request's fields and the actor: equal for a retry of the same request.
    static func digest(_ request: OverrideRequest, actor name: String) -> String {
        let fields = [
            request.leadID, request.tier?.name ?? "", request.queue ?? "", request.ownerID ?? "", request.note ?? "",
            request.clear ? "clear" : "set", name,
        ]
        let bytes = Array(fields.joined(separator: "\u{1F}").utf8)
        return ContentVersion(of: bytes).sha256
    }
}
