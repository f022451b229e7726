import LeadLedgerCore

/// The members routing and audit records share, with the constant byte runs
/// of a configuration encoded once: the codecs (``RoutingRecordCodec``,
/// ``AuditRecordCodec``) write them through it, keys in sorted order.
struct RecordFragments: Sendable {
    /// The feature reasons' runs without a kind (routing schema_version 1, audit schema_version 2).
    let sentenceRuns: ReasonRuns
    /// The feature reasons' runs with `"kind":"feature"` (routing schema_version 2).
    let kindedRuns: ReasonRuns
    /// `,"model_version":"<model version>","owner_id":` (the members between `margin` and `owner_id`'s value).
    let modelRun: [UInt8]

    init(_ configuration: DecisionConfiguration) {
        sentenceRuns = ReasonRuns(configuration.extractor, kinded: false)
        kindedRuns = ReasonRuns(configuration.extractor, kinded: true)
        modelRun = Array(#","model_version":"#.utf8) + Self.quoted(configuration.modelVersion) + Array(#","owner_id":"#.utf8)
    }

    /// `s` as an encoded JSON string.
    static func quoted(_ s: String) -> [UInt8] {
        var w = RecordJSON()
        w.rawString(s)
        return w.bytes
    }

    /// `"arm"` (after `account_id`), only when the rule set has a holdout experiment.
    static func writeArm(_ arm: Arm?, into w: inout RecordWriter) {
        guard let arm else { return }
        w.next(#","arm":"#)
        w.string(arm.rawValue)
    }

    /// The `"lineage":{…}` member, the same in every record of the event.
    static func writeLineage(_ lineage: RecordLineage, into w: inout RecordWriter) {
        w.rawKey(#""lineage":"#)
        w.beginObject()
        w.rawKey(#""log":"#)
        w.beginObject()
        w.rawKey(#""offset":"#)
        w.int(lineage.logOffset)
        w.rawKey(#""partition":"#)
        w.int(Int64(lineage.logPartition))
        w.endObject()
        let p = lineage.source
        w.rawKey(#""source":"#)
        w.beginObject()
        w.rawKey(#""offset":"#)
        w.int(p.offset)
        w.rawKey(#""partition":"#)
        w.int(Int64(p.partition))
        w.rawKey(#""topic":"#)
        w.string(p.topic)
        w.endObject()
        w.endObject()
    }

    /// The member `,"previous_decision":…` (null for a lead's first decision).
    func writePrevious(_ prev: LeadDecision?, into w: inout RecordWriter) {
        w.next(#","previous_decision":"#)
        guard let prev else {
            w.null()
            return
        }
        w.beginObject()
        w.rawKey(#""decision_id":"#)
        w.decisionID(prev.decisionID)
        w.next(#","owner_id":"#)
        w.optString(prev.ownerID)
        w.next(#","queue":"#)
        w.string(prev.queue)
        w.next(#","score":"#)
        w.int(Int64(prev.score))
        w.next(#","tier":"#)
        w.tier(prev.tier)
        w.endObject()
    }

    /// The `components` member; a closed route (no scores) has all components 0.
    func writeComponents(_ scores: DecisionScores?, into w: inout RecordWriter) {
        if let s = scores {
            w.components(account: s.account, engagement: s.engagement, fit: s.fit, intent: s.intent, propensity: s.probability)
        } else {
            w.components(account: 0, engagement: 0, fit: 0, intent: 0, propensity: 0)
        }
    }

    /// The member `,"reasons":[…]` of sentence reasons (routing records, audit records
    /// of schema_version 2): why a rule-set switch moved the lead, or the gate rule
    /// first, then each feature's reason from its pre-encoded runs (``ReasonRuns``).
    /// `kinded` (routing schema_version 2) gives every reason its ``ReasonKind``;
    /// without it the gate rule's kind is `gate` and a feature's reason has none.
    func writeReasons(_ reasons: DecisionReasons, kinded: Bool, into w: inout RecordWriter) {
        w.next(#","reasons":"#)
        w.beginArray()
        if let moved = reasons.reassignment { writeReassignment(moved, indexed: false, into: &w) }
        if let gate = reasons.gate {
            w.beginObject()
            w.rawKey(#""contribution":"#)
            w.double(0)
            w.next(#","feature":"#)
            w.string(gate.rule.rawValue)
            w.next(#","kind":"#)
            w.string(kinded ? ReasonKind(gate.rule).rawValue : "gate")
            w.next(#","text":"#)
            w.string(gate.rule.text)
            w.next(#","value":"#)
            if let v = gate.value { w.double(v) } else { w.null() }
            w.endObject()
        }
        if !reasons.features.isEmpty {
            let runs = kinded ? kindedRuns : sentenceRuns
            runs.blob.withUnsafeBufferPointer { blob in
                runs.starts.withUnsafeBufferPointer { st in
                    for r in reasons.features {
                        let j = r.index
                        let f = st[3 * j]
                        let t = st[3 * j + 1]
                        let x = st[3 * j + 2]
                        let e = st[3 * j + 3]
                        if let path = r.path {
                            writePathReason(
                                path, contribution: r.contribution, value: r.value,
                                feature: UnsafeBufferPointer(rebasing: blob[f..<t]),
                                text: UnsafeBufferPointer(rebasing: blob[t..<x]), tail: UnsafeBufferPointer(rebasing: blob[x..<e]),
                                into: &w)
                        } else {
                            w.reason(
                                head: UnsafeBufferPointer(rebasing: blob[f..<x]), tail: UnsafeBufferPointer(rebasing: blob[x..<e]),
                                contribution: r.contribution, value: r.value)
                        }
                    }
                }
            }
        }
        w.endArray()
    }

    /// Why a rule-set switch moved the lead, as the first reason of its records: the
    /// sentence form `{"contribution":0,"feature":<name>,"kind":"reassignment","text":…,"value":<owner>}`
    /// (routing records, audit schema_version 2) or, `indexed` (audit schema_version 3),
    /// `{"kind":"reassignment","reason":<name>,"text":…,"value":<owner>}`. The sentence
    /// and the owner it left are the same in both.
    func writeReassignment(_ moved: DecisionReasons.Reassignment, indexed: Bool, into w: inout RecordWriter) {
        w.beginObject()
        if indexed {
            w.rawKey(#""kind":"#)
            w.string(ReasonKind.reassignment.rawValue)
            w.next(#","reason":"#)
            w.string(moved.reason.name)
        } else {
            w.rawKey(#""contribution":"#)
            w.double(0)
            w.next(#","feature":"#)
            w.string(moved.reason.name)
            w.next(#","kind":"#)
            w.string(ReasonKind.reassignment.rawValue)
        }
        w.next(#","text":"#)
        w.string(moved.reason.text(owner: moved.owner, ruleSet: moved.ruleSet))
        w.next(#","value":"#)
        w.string(moved.owner)
        w.endObject()
    }

    /// The member `,"reasons":[…]` of an audit record of schema_version 3: the gate
    /// rule first (`kind` `disqualifier` or `rule`, with the feature it reads), then
    /// each feature's reason by index into the record's `feature_set`, with its
    /// value, contribution and graph path. The sentences are the routing record's.
    func writeIndexedReasons(_ reasons: DecisionReasons, into w: inout RecordWriter) {
        w.next(#","reasons":"#)
        w.beginArray()
        // A rule-set fact, not a feature: its sentence is written as the routing record has it.
        if let moved = reasons.reassignment { writeReassignment(moved, indexed: true, into: &w) }
        if let gate = reasons.gate {
            w.beginObject()
            w.rawKey(#""feature":"#)
            if let j = gate.rule.feature { w.int(Int64(j)) } else { w.null() }
            w.next(#","kind":"#)
            w.string(ReasonKind(gate.rule).rawValue)
            w.next(#","rule":"#)
            w.string(gate.rule.rawValue)
            w.next(#","value":"#)
            if let v = gate.value { w.double(v) } else { w.null() }
            w.endObject()
        }
        for r in reasons.features {
            w.beginObject()
            w.rawKey(#""contribution":"#)
            w.double(r.contribution)
            w.next(#","feature":"#)
            w.int(Int64(r.index))
            if let path = r.path {
                w.next(#","graph_path":"#)
                writeGraphPath(path, into: &w)
            }
            w.next(#","kind":"feature","value":"#)
            w.double(r.value)
            w.endObject()
        }
        w.endArray()
    }

    /// A reason's `graph_path` array.
    func writeGraphPath(_ path: [PathStep], into w: inout RecordWriter) {
        w.beginArray()
        for step in path {
            w.beginObject()
            w.rawKey(#""edge":"#)
            w.edgeKind(step.edge)
            w.next(#","kind":"#)
            w.nodeKind(step.node.kind)
            w.next(#","node":"#)
            w.string(step.node.name)
            w.endObject()
        }
        w.endArray()
    }

    /// A reason with a graph path: the feature's runs `feature` (`,"feature":"name"`), `text`
    /// (`,"text":"name = `) and `tail` (`suffix","value":`) around the path and the numbers.
    func writePathReason(
        _ path: [PathStep], contribution c: Double, value v: Double, feature: UnsafeBufferPointer<UInt8>,
        text: UnsafeBufferPointer<UInt8>, tail: UnsafeBufferPointer<UInt8>, into w: inout RecordWriter
    ) {
        w.beginObject()
        w.rawKey(#""contribution":"#)
        w.double(c)
        w.put(feature.baseAddress!, feature.count)
        w.next(#","graph_path":"#)
        writeGraphPath(path, into: &w)
        w.reasonText(text, tail: tail, contribution: c, value: v)
        w.endObject()
    }
}
