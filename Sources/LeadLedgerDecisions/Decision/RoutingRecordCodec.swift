import LeadLedgerCore

/// The one codec of `leadledger.routing` records (schema_version 1): encodes a
/// ``RoutingRecord`` to the contract's bytes (canonical JSON: keys sorted, the
/// record encoding's numbers) and decodes a record's bytes into a
/// ``RoutingRecordView``. Built once per configuration (its constant runs).
struct RoutingRecordCodec: Sendable {
    let fragments: RecordFragments
    /// `,"ruleset_version":"<ruleset version>","schema_version":1,"score":`.
    let rulesetRun: [UInt8]

    init(_ configuration: DecisionConfiguration, fragments: RecordFragments) {
        self.fragments = fragments
        rulesetRun =
            Array(#","ruleset_version":"#.utf8) + RecordFragments.quoted(configuration.rulesetVersion)
            + Array(#","schema_version":1,"score":"#.utf8)
    }

    /// The record's bytes, written with `w` (whose buffer is reused).
    func encode(_ r: RoutingRecord, into w: inout RecordWriter) -> [UInt8] {
        let route = r.route
        w.beginObject()
        w.rawKey(#""account_id":"#)
        w.optString(r.accountID)
        fragments.writeArm(r.arm, into: &w)
        w.next(#","change":"#)
        w.string(r.change.rawValue)
        fragments.writeComponents(r.scores, into: &w)
        w.next(#","decision_id":"#)
        w.string(r.decisionID)
        w.next(#","emails":"#)
        w.beginArray()
        for e in r.emails { w.string(e) }
        w.endArray()
        w.next(#","event_time":"#)
        w.string(r.eventTime)
        w.next(#","explanation_base":"#)
        w.double(r.scores?.base ?? 0)
        w.next(#","lead_id":"#)
        w.leadID(r.leadID)
        fragments.writeLineage(r.lineage, into: &w)
        w.next(#","margin":"#)
        w.double(r.scores?.margin ?? 0)
        w.next(fragments.modelRun)
        w.optString(route.ownerID)
        w.next(#","probability":"#)
        w.double(r.scores?.probability ?? Double(route.score) / 100)
        w.next(#","queue":"#)
        w.string(route.queue)
        fragments.writeReasons(r.reasons, into: &w)
        w.next(rulesetRun)
        w.int(Int64(r.scores?.score ?? route.score))
        w.next(#","tier":"#)
        w.tier(route.tier)
        w.endObject()
        return w.finish()
    }

    /// A routing record's bytes read back; throws with the code and field path of what is wrong.
    static func decode(_ bytes: [UInt8]) throws(ContractError) -> RoutingRecordView {
        try RoutingRecordView(bytes)
    }
}
