import LeadLedgerCore

/// The one codec of `leadledger.routing` records: encodes a ``RoutingRecord`` to
/// the contract's bytes (canonical JSON: keys sorted, the record encoding's
/// numbers) in the configuration's ``RoutingSchema`` (2: every reason has its
/// ``ReasonKind``; 1: the gate rule's kind is `gate` and a feature's reason has
/// none), decodes a record's bytes of either version into a ``RoutingRecordView``,
/// and writes a decoded record back to its bytes. Built once per configuration
/// (its constant runs).
struct RoutingRecordCodec: Sendable {
    let fragments: RecordFragments
    let schema: RoutingSchema
    /// `,"ruleset_version":"<ruleset version>","schema_version":<1|2>,"score":`.
    let rulesetRun: [UInt8]

    init(_ configuration: DecisionConfiguration, fragments: RecordFragments) {
        self.fragments = fragments
        schema = configuration.routingSchema
        rulesetRun =
            Array(#","ruleset_version":"#.utf8) + RecordFragments.quoted(configuration.rulesetVersion)
            + Array(#","schema_version":"#.utf8) + Array(String(configuration.routingSchema.rawValue).utf8)
            + Array(#","score":"#.utf8)
    }

    /// The record's bytes, written with `w` (whose buffer is reused).
    func encode(_ r: RoutingRecord, into w: inout RecordWriter) -> [UInt8] {
        let route = r.route
        w.beginObject()
        w.rawKey(#""account_id":"#)
        w.optString(r.accountID)
        RecordFragments.writeArm(r.arm, into: &w)
        w.next(#","change":"#)
        w.string(r.change.rawValue)
        fragments.writeComponents(r.scores, into: &w)
        Self.writeIdentity(decisionID: r.decisionID, emails: r.emails, eventTime: r.eventTime, base: r.scores?.base ?? 0, into: &w)
        w.leadID(r.leadID)
        RecordFragments.writeLineage(r.lineage, into: &w)
        w.next(#","margin":"#)
        w.double(r.scores?.margin ?? 0)
        w.next(fragments.modelRun)
        w.optString(route.ownerID)
        w.next(#","probability":"#)
        w.double(r.scores?.probability ?? Double(route.score) / 100)
        w.next(#","queue":"#)
        w.string(route.queue)
        fragments.writeReasons(r.reasons, kinded: schema == .v2, into: &w)
        w.next(rulesetRun)
        w.int(Int64(r.scores?.score ?? route.score))
        w.next(#","tier":"#)
        w.tier(route.tier)
        w.endObject()
        return w.finish()
    }

    /// The members from `decision_id` to the `lead_id` key (the caller writes its value):
    /// `,"decision_id":…,"emails":[…],"event_time":…,"explanation_base":…,"lead_id":`.
    static func writeIdentity(decisionID: String, emails: [String], eventTime: String, base: Double, into w: inout RecordWriter) {
        w.next(#","decision_id":"#)
        w.string(decisionID)
        w.next(#","emails":"#)
        w.beginArray()
        for e in emails { w.string(e) }
        w.endArray()
        w.next(#","event_time":"#)
        w.string(eventTime)
        w.next(#","explanation_base":"#)
        w.double(base)
        w.next(#","lead_id":"#)
    }

    /// A routing record's bytes read back; throws with the code and field path of what is wrong.
    static func decode(_ bytes: [UInt8]) throws(ContractError) -> RoutingRecordView {
        try RoutingRecordView(bytes)
    }

    /// A decoded record's bytes, in its own schema version: for a record this codec
    /// wrote, the bytes it was decoded from.
    static func encode(_ r: RoutingRecordView) -> [UInt8] {
        var slot: RecordJSON.Buffer?
        var w = RecordWriter(taking: &slot)
        w.beginObject()
        w.rawKey(#""account_id":"#)
        w.optString(r.accountID)
        RecordFragments.writeArm(r.arm, into: &w)
        w.next(#","change":"#)
        w.string(r.change.rawValue)
        let c = r.components
        w.components(account: c.account, engagement: c.engagement, fit: c.fit, intent: c.intent, propensity: c.propensity)
        writeIdentity(decisionID: r.decisionID, emails: r.emails, eventTime: r.eventTime, base: r.explanationBase, into: &w)
        w.string(r.leadID)
        RecordFragments.writeLineage(r.lineage, into: &w)
        w.next(#","margin":"#)
        w.double(r.margin)
        w.next(#","model_version":"#)
        w.string(r.modelVersion)
        w.next(#","owner_id":"#)
        w.optString(r.ownerID)
        w.next(#","probability":"#)
        w.double(r.probability)
        w.next(#","queue":"#)
        w.string(r.queue)
        w.next(#","reasons":"#)
        w.beginArray()
        for reason in r.reasons { writeReason(reason, kinded: r.schemaVersion == .v2, into: &w) }
        w.endArray()
        w.next(#","ruleset_version":"#)
        w.string(r.rulesetVersion)
        w.next(#","schema_version":"#)
        w.int(Int64(r.schemaVersion.rawValue))
        w.next(#","score":"#)
        w.double(r.score)
        w.next(#","tier":"#)
        w.string(r.tier)
        w.endObject()
        return w.finish()
    }

    /// One decoded sentence reason: `kinded` (schema_version 2) writes its kind; version 1
    /// writes `gate` for the gate rule, `reassignment`, and no kind for a feature.
    static func writeReason(_ reason: RecordReason, kinded: Bool, into w: inout RecordWriter) {
        w.beginObject()
        w.rawKey(#""contribution":"#)
        w.double(reason.contribution)
        w.next(#","feature":"#)
        w.string(reason.feature)
        if let path = reason.graphPath {
            w.next(#","graph_path":"#)
            w.beginArray()
            for step in path {
                w.beginObject()
                w.rawKey(#""edge":"#)
                w.optString(step.edge)
                w.next(#","kind":"#)
                w.string(step.kind)
                w.next(#","node":"#)
                w.string(step.node)
                w.endObject()
            }
            w.endArray()
        }
        let kind: String? =
            switch (reason.kind, kinded) {
            case (let k, true): k.rawValue
            case (.feature, false): nil
            case (.rule, false), (.disqualifier, false): "gate"
            case (.reassignment, false): ReasonKind.reassignment.rawValue
            }
        if let kind {
            w.next(#","kind":"#)
            w.string(kind)
        }
        w.next(#","text":"#)
        w.string(reason.text)
        switch reason.value {
        case nil: break
        case .null?:
            w.next(#","value":"#)
            w.null()
        case .bool(let b)?:
            w.next(#","value":"#)
            w.bool(b)
        case .string(let s)?:
            w.next(#","value":"#)
            w.string(s)
        case .number(let d)?:
            w.next(#","value":"#)
            w.double(d)
        }
        w.endObject()
    }
}
