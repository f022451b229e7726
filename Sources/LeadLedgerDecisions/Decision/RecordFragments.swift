import LeadLedgerCore

/// The members routing and audit records share, with the constant byte runs
/// of a configuration encoded once: the codecs (``RoutingRecordCodec``,
/// ``AuditRecordCodec``) write them through it, keys in sorted order.
struct RecordFragments: Sendable {
    /// The constant byte runs of each feature's reason, concatenated in feature
    /// order: `,"feature":"name"`, `,"text":"name = ` and `suffix","value":`
    /// (name and meaning suffix escaped). Feature `j`'s runs start at
    /// `reasonStarts[3j]`, `reasonStarts[3j + 1]`, `reasonStarts[3j + 2]` and end
    /// at `reasonStarts[3j + 3]` (3 · features + 1 entries).
    let reasonBlob: [UInt8]
    let reasonStarts: [Int]
    /// `,"model_version":"<model version>","owner_id":` (the members between `margin` and `owner_id`'s value).
    let modelRun: [UInt8]

    init(_ configuration: DecisionConfiguration) {
        let ex = configuration.extractor
        var blob: [UInt8] = []
        var starts: [Int] = []
        for j in 0..<ex.schema.count {
            starts.append(blob.count)
            blob += Array(#","feature":""#.utf8) + ex.escapedNames[j] + [0x22]
            starts.append(blob.count)
            blob += Array(#","text":""#.utf8) + ex.escapedNames[j] + Array(" = ".utf8)
            starts.append(blob.count)
            blob += ex.meaningSuffixes[j] + Array(#"","value":"#.utf8)
        }
        starts.append(blob.count)
        reasonBlob = blob
        reasonStarts = starts
        modelRun = Array(#","model_version":"#.utf8) + Self.quoted(configuration.modelVersion) + Array(#","owner_id":"#.utf8)
    }

    /// `s` as an encoded JSON string.
    static func quoted(_ s: String) -> [UInt8] {
        var w = RecordJSON()
        w.rawString(s)
        return w.bytes
    }

    /// `"arm"` (after `account_id`), only when the rule set has a holdout experiment.
    func writeArm(_ arm: Arm?, into w: inout RecordWriter) {
        guard let arm else { return }
        w.next(#","arm":"#)
        w.string(arm.rawValue)
    }

    /// The `"lineage":{…}` member, the same in every record of the event.
    func writeLineage(_ lineage: RecordLineage, into w: inout RecordWriter) {
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
        w.string(prev.decisionID)
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

    /// The member `,"reasons":[…]`: the gate rule first, then each feature's reason
    /// from its pre-encoded runs (``reasonBlob``).
    func writeReasons(_ reasons: DecisionReasons, into w: inout RecordWriter) {
        w.next(#","reasons":"#)
        w.beginArray()
        if let moved = reasons.reassignment {
            w.beginObject()
            w.rawKey(#""contribution":"#)
            w.double(0)
            w.next(#","feature":"#)
            w.string(moved.reason.name)
            w.next(#","kind":"reassignment","text":"#)
            w.string(moved.reason.text(owner: moved.owner, ruleSet: moved.ruleSet))
            w.next(#","value":"#)
            w.string(moved.owner)
            w.endObject()
        }
        if let gate = reasons.gate {
            w.beginObject()
            w.rawKey(#""contribution":"#)
            w.double(0)
            w.next(#","feature":"#)
            w.string(gate.rule.rawValue)
            w.next(#","kind":"gate","text":"#)
            w.string(gate.rule.text)
            w.next(#","value":"#)
            if let v = gate.value { w.double(v) } else { w.null() }
            w.endObject()
        }
        if !reasons.features.isEmpty {
            reasonBlob.withUnsafeBufferPointer { blob in
                reasonStarts.withUnsafeBufferPointer { st in
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

    /// The member `,"reasons":[…]` of an audit record of schema_version 3: the gate
    /// rule first (`kind` `disqualifier` or `rule`, with the feature it reads), then
    /// each feature's reason by index into the record's `feature_set`, with its
    /// value, contribution and graph path. The sentences are the routing record's.
    func writeIndexedReasons(_ reasons: DecisionReasons, into w: inout RecordWriter) {
        w.next(#","reasons":"#)
        w.beginArray()
        if let moved = reasons.reassignment {
            // A rule-set fact, not a feature: its sentence is written as the routing record has it.
            w.beginObject()
            w.rawKey(#""kind":"reassignment","reason":"#)
            w.string(moved.reason.name)
            w.next(#","text":"#)
            w.string(moved.reason.text(owner: moved.owner, ruleSet: moved.ruleSet))
            w.next(#","value":"#)
            w.string(moved.owner)
            w.endObject()
        }
        if let gate = reasons.gate {
            w.beginObject()
            w.rawKey(#""feature":"#)
            if let j = gate.rule.feature { w.int(Int64(j)) } else { w.null() }
            w.next(#","kind":"#)
            w.string(gate.rule.isDisqualifier ? "disqualifier" : "rule")
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
            w.optString(step.edge?.rawValue)
            w.next(#","kind":"#)
            w.string(step.node.kind.rawValue)
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
