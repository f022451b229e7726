import LeadLedgerCore

/// The one codec of `leadledger.audit` records: encodes an ``AuditRecord`` to
/// the contract's bytes (canonical JSON: keys sorted, the record encoding's
/// numbers) in the configuration's ``AuditSchema`` (3: feature arrays named by
/// `feature_set`, reasons by feature index, no emails; 2: feature objects and
/// reason sentences), cut to the configuration's size limit by
/// ``AuditTruncation``, and decodes a record's bytes of either version into an
/// ``AuditRecordView``. Built once per configuration (its constant runs).
struct AuditRecordCodec: Sendable {
    let fragments: RecordFragments
    let extractor: FeatureExtractor
    let modelVersion: String
    let rulesetVersion: String
    let schema: AuditSchema
    /// `,"ruleset_version":"<ruleset version>","schema_version":<2|3>,"score":`.
    let rulesetRun: [UInt8]
    /// `,"feature_set":"<id>","features":` (schema_version 3).
    let featureSetRun: [UInt8]
    /// The constant `gate.thresholds` object.
    let thresholdsJSON: [UInt8]
    /// Records above this many bytes lose the tail of `further_decisions`.
    let recordLimit: Int

    init(_ configuration: DecisionConfiguration, fragments: RecordFragments) {
        self.fragments = fragments
        extractor = configuration.extractor
        modelVersion = configuration.modelVersion
        rulesetVersion = configuration.rulesetVersion
        schema = configuration.auditSchema
        rulesetRun =
            Array(#","ruleset_version":"#.utf8) + RecordFragments.quoted(configuration.rulesetVersion)
            + Array(#","schema_version":"#.utf8) + Array(String(configuration.auditSchema.rawValue).utf8) + Array(#","score":"#.utf8)
        featureSetRun =
            Array(#","feature_set":"#.utf8) + RecordFragments.quoted(configuration.featureSet.id) + Array(#","features":"#.utf8)
        recordLimit = configuration.auditRecordLimit
        let c = configuration.scoring.gate
        var w = RecordJSON()
        w.beginObject()
        w.rawKey(#""review_min_employees":"#)
        w.double(c.reviewMinEmployees)
        w.rawKey(#""review_probability_high":"#)
        w.double(c.reviewProbabilityHigh)
        w.rawKey(#""review_probability_low":"#)
        w.double(c.reviewProbabilityLow)
        w.rawKey(#""sales_develop_enter":"#)
        w.double(c.salesDevelopEnter)
        w.rawKey(#""sales_develop_exit":"#)
        w.double(c.salesDevelopExit)
        w.rawKey(#""sales_ready_enter":"#)
        w.double(c.salesReadyEnter)
        w.rawKey(#""sales_ready_exit":"#)
        w.double(c.salesReadyExit)
        w.endObject()
        thresholdsJSON = w.bytes
    }

    /// The record's bytes, written with `w` (whose buffer is reused).
    func encode(_ r: AuditRecord, into w: inout RecordWriter) -> [UInt8] {
        guard let p = r.primary else { return encodeWithoutLead(r, into: &w) }
        let d = p.decision
        w.beginObject()
        w.rawKey(#""account_id":"#)
        w.optString(r.accountID)
        RecordFragments.writeArm(d.arm, into: &w)
        w.next(#","change":"#)
        w.optString(d.change?.rawValue)
        fragments.writeComponents(d.scores, into: &w)
        w.next(#","contributions":"#)
        if let contributions = p.contributions, schema == .v3 {
            writeArray(contributions, into: &w)
        } else if let contributions = p.contributions {
            contributions.withUnsafeBufferPointer {
                w.fixedObject(
                    keys: extractor.sortedKeyBlob, keyStarts: extractor.sortedKeyStarts, order: extractor.sortedOrder, values: $0,
                    skippingZeros: true)
            }
        } else {
            w.null()
        }
        w.next(#","decision_id":"#)
        w.string(r.decisionID)
        w.next(#","disqualifier":"#)
        w.optString(d.gate?.disqualifier?.rawValue)
        if schema == .v2 {
            w.next(#","emails":"#)
            w.beginArray()
            for e in p.emails { w.string(e) }
            w.endArray()
        }
        w.next(#","event_kind":"#)
        w.string(r.eventKind)
        w.next(#","event_time":"#)
        w.string(r.eventTime)
        w.next(#","explanation_base":"#)
        w.double(d.scores?.base ?? 0)
        if schema == .v3 {
            w.next(featureSetRun)
        } else {
            w.next(#","features":"#)
        }
        if let features = p.features, schema == .v3 {
            writeArray(features, into: &w)
        } else if let features = p.features {
            features.withUnsafeBufferPointer {
                w.fixedObject(keys: extractor.sortedKeyBlob, keyStarts: extractor.sortedKeyStarts, order: extractor.sortedOrder, values: $0)
            }
        } else {
            w.null()
        }
        w.next(#","further_decisions":"#)
        w.beginArray()
        // Where each further decision ends, so an oversized record can be cut (AuditTruncation).
        let furtherStart = w.count
        var furtherEnds: [Int] = []
        furtherEnds.reserveCapacity(r.further.count)
        for f in r.further {
            encodeFurther(f, into: &w)
            furtherEnds.append(w.count)
        }
        let furtherEnd = w.count
        w.endArray()
        w.next(#","gate":"#)
        if let g = d.gate {
            w.beginObject()
            w.rawKey(#""hysteresis_tier":"#)
            if let t = d.previous?.scoreTier { w.tier(t) } else { w.null() }
            w.next(#","review":"#)
            w.bool(g.review)
            w.next(#","score_tier":"#)
            w.tier(g.scoreTier)
            w.next(#","thresholds":"#)
            w.rawValue(thresholdsJSON)
            w.endObject()
        } else {
            w.null()
        }
        w.next(#","lead_id":"#)
        w.leadID(d.leadID)
        RecordFragments.writeLineage(r.lineage, into: &w)
        w.next(#","margin":"#)
        w.double(d.scores?.margin ?? 0)
        w.next(fragments.modelRun)
        writeRoute(d, into: &w)
        w.next(#","route_changed":"#)
        w.bool(d.change != nil)
        w.next(#","routing_decision_id":"#)
        w.optString(d.routingDecisionID)
        w.next(rulesetRun)
        w.int(Int64(d.scores?.score ?? d.route.score))
        w.next(#","state_hash":"#)
        w.hex16String(r.stateHash)
        if schema == .v3 {
            // The pseudonymous subject: the lead id's 16 hex digits, the name its personal
            // data is sealed under in the log (written from the id, no String made).
            w.next(#","subject":"#)
            w.hex16String(d.leadID.raw)
        }
        w.next(#","tier":"#)
        w.tier(d.route.tier)
        w.endObject()
        let record = w.finish()
        guard record.count > recordLimit else { return record }
        return AuditTruncation(
            record: record, furtherStart: furtherStart, furtherEnds: furtherEnds, furtherEnd: furtherEnd, limit: recordLimit
        ).truncated()
    }

    /// The values from `owner_id`'s on to `reasons` of a decision, adjacent in sorted key
    /// order in both the primary decision and a further one (the caller has written the `"owner_id":` key).
    func writeRoute(_ d: AuditRecord.Decision, into w: inout RecordWriter) {
        w.optString(d.route.ownerID)
        fragments.writePrevious(d.previous, into: &w)
        w.next(#","probability":"#)
        w.double(d.scores?.probability ?? Double(d.route.score) / 100)
        w.next(#","queue":"#)
        w.string(d.route.queue)
        if schema == .v3 {
            fragments.writeIndexedReasons(d.reasons, into: &w)
        } else {
            fragments.writeReasons(d.reasons, kinded: false, into: &w)
        }
    }

    /// Feature values or contributions as an array in the extractor's order (schema_version 3).
    func writeArray(_ values: [Double], into w: inout RecordWriter) {
        w.beginArray()
        for v in values { w.double(v) }
        w.endArray()
    }

    /// One `further_decisions` entry: the decision without the feature vector.
    func encodeFurther(_ d: AuditRecord.Decision, into w: inout RecordWriter) {
        w.beginObject()
        if let arm = d.arm {
            w.rawKey(#""arm":"#)
            w.string(arm.rawValue)
            w.next(#","change":"#)
        } else {
            w.rawKey(#""change":"#)
        }
        w.optString(d.change?.rawValue)
        fragments.writeComponents(d.scores, into: &w)
        w.next(#","disqualifier":"#)
        w.optString(d.gate?.disqualifier?.rawValue)
        w.next(#","lead_id":"#)
        w.leadID(d.leadID)
        w.next(#","owner_id":"#)
        writeRoute(d, into: &w)
        w.next(#","review":"#)
        w.bool(d.gate?.review ?? false)
        w.next(#","route_changed":"#)
        w.bool(d.change != nil)
        w.next(#","routing_decision_id":"#)
        w.optString(d.routingDecisionID)
        w.next(#","score":"#)
        w.int(Int64(d.scores?.score ?? d.route.score))
        w.next(#","score_tier":"#)
        w.tier(d.gate?.scoreTier ?? d.route.scoreTier)
        w.next(#","state_hash":"#)
        w.hex16String(d.stateHash)
        w.next(#","tier":"#)
        w.tier(d.route.tier)
        w.endObject()
    }

    /// The record of an event that decided no lead: every decision member null.
    func encodeWithoutLead(_ r: AuditRecord, into w: inout RecordWriter) -> [UInt8] {
        w.beginObject()
        w.rawKey(#""account_id":"#)
        w.optString(r.accountID)
        w.rawKey(#""change":"#)
        w.null()
        w.rawKey(#""components":"#)
        w.null()
        w.rawKey(#""contributions":"#)
        w.null()
        w.rawKey(#""decision_id":"#)
        w.string(r.decisionID)
        w.rawKey(#""disqualifier":"#)
        w.null()
        if schema == .v2 {
            w.rawKey(#""emails":"#)
            w.beginArray()
            w.endArray()
        }
        w.rawKey(#""event_kind":"#)
        w.string(r.eventKind)
        w.rawKey(#""event_time":"#)
        w.string(r.eventTime)
        w.rawKey(#""explanation_base":"#)
        w.null()
        if schema == .v3 {
            w.next(featureSetRun)
        } else {
            w.rawKey(#""features":"#)
        }
        w.null()
        w.rawKey(#""further_decisions":"#)
        w.beginArray()
        w.endArray()
        w.rawKey(#""gate":"#)
        w.null()
        w.rawKey(#""lead_id":"#)
        w.null()
        RecordFragments.writeLineage(r.lineage, into: &w)
        w.rawKey(#""margin":"#)
        w.null()
        w.rawKey(#""model_version":"#)
        w.string(modelVersion)
        w.rawKey(#""owner_id":"#)
        w.null()
        w.rawKey(#""previous_decision":"#)
        w.null()
        w.rawKey(#""probability":"#)
        w.null()
        w.rawKey(#""queue":"#)
        w.null()
        w.rawKey(#""reasons":"#)
        w.beginArray()
        w.endArray()
        w.rawKey(#""route_changed":"#)
        w.bool(false)
        w.rawKey(#""routing_decision_id":"#)
        w.null()
        w.rawKey(#""ruleset_version":"#)
        w.string(rulesetVersion)
        w.rawKey(#""schema_version":"#)
        w.int(Int64(schema.rawValue))
        w.rawKey(#""score":"#)
        w.null()
        w.rawKey(#""state_hash":"#)
        w.hex16String(r.stateHash)
        if schema == .v3 {
            w.rawKey(#""subject":"#)
            w.null()
        }
        w.rawKey(#""tier":"#)
        w.null()
        w.endObject()
        return w.finish()
    }

    /// An audit record's bytes read back; throws with the code and field path of what is wrong.
    static func decode(_ bytes: [UInt8], featureSets: FeatureSets = .none) throws(ContractError) -> AuditRecordView {
        try AuditRecordView(bytes, featureSets: featureSets)
    }
}
