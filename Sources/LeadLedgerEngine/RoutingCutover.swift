import LeadLedgerCore
import LeadLedgerDecisions

/// The routing cut-over of a first deployment on history (`route_from`,
/// `--route-from T`): every event is still decided and audited, but the routing
/// records of an event whose event time lies before `T` are withheld, so a year
/// of backfilled events pages nobody.
///
/// The cut-over is a pure output filter: the projections and the decision state
/// (tiers, owners, loads, hysteresis) evolve exactly as without it, so snapshots
/// do not depend on it and a lead is routed at its first route change from `T` on.
///
/// The log records it: the audit record of an event whose routing records were
/// withheld ends with the additive member
/// `"withheld_routing":{"count":N,"route_from":"<T>"}` (N routing records
/// withheld). It sorts after every other top-level member of the audit record, so
/// appending it keeps the keys sorted. Replay and `audit verify` re-derive with
/// the same setting and reproduce these bytes; with another setting they report
/// the audit records as different, which is how a verification notices a
/// cut-over it was not told about.
package struct RoutingCutover: Sendable, Hashable {
    /// The audit record member that records withheld routing.
    package static let auditMember = "withheld_routing"

    /// Routing records are written only for events at or after this instant.
    package var routeFrom: EventTime

    /// Creates the cut-over.
    package init(routeFrom: EventTime) { self.routeFrom = routeFrom }

    /// Parses the RFC 3339 text of `--route-from` / `route_from:`; nil for anything else.
    package init?(text: String) {
        guard let time = EventTime.parseRFC3339(text) else { return nil }
        self.init(routeFrom: time)
    }

    /// Whether the routing records of an event at `eventTime` are withheld.
    package func withholds(eventTime: EventTime) -> Bool { eventTime < routeFrom }

    /// The Decider's output for an event at `eventTime` as the cut-over lets it
    /// out: unchanged from `routeFrom` on, or when there is no routing record to
    /// withhold; else without routing records and with each audit record marked.
    package func filter(_ output: DecisionOutput, eventTime: EventTime) -> DecisionOutput {
        guard withholds(eventTime: eventTime), !output.routing.isEmpty else { return output }
        var filtered = output
        let member = self.member(count: output.routing.count)
        filtered.audit = output.audit.map { record in
            var marked = record
            marked.value = Self.appending(member, to: record.value)
            return marked
        }
        filtered.routing = []
        return filtered
    }

    /// The member's text, with its leading comma.
    func member(count: Int) -> [UInt8] {
        let value = JSONValue.object(["count": .int(count), "route_from": .string(routeFrom.rfc3339)])
        return Array(",\"\(Self.auditMember)\":".utf8) + CanonicalJSON.encode(value)
    }

    /// `object` (a JSON object's bytes, possibly ending in a newline as the
    /// Decider writes records) with `member` inserted before its closing brace.
    static func appending(_ member: [UInt8], to object: [UInt8]) -> [UInt8] {
        var end = object.count
        while end > 0, object[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        guard end > 0, object[end - 1] == UInt8(ascii: "}") else { return object }
        var bytes = object
        bytes.insert(contentsOf: member, at: end - 1)
        return bytes
    }
}
