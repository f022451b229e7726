import LeadLedgerCore

/// A `leadledger.audit` record (schema_version 2 or 3) read back into typed values:
/// what `explain`, `watch` and the decider benchmark read. The Decider writes
/// these records (``AuditRecord``, encoded by ``AuditRecordCodec``); this is the
/// decoder for the same contract: the decode side of ``AuditRecordCodec``. Members a reader does not need are
/// not decoded, and unknown members are ignored (additive changes within a
/// schema version). `audit verify` compares records byte for byte and reads only
/// their ``RecordLineage``. A version 3 record names its features by index into
/// its `feature_set`: the reader's ``FeatureSets`` turn them back into names and
/// the routing record's sentences (an unknown set names them `feature_<index>`).
package struct AuditRecordView: Sendable, Equatable {
    /// One lead decision: the record's primary decision or one of its `further_decisions`.
    package struct Decision: Sendable, Equatable {
        package var leadID: String
        package var tier: String
        package var queue: String
        package var ownerID: String?
        package var score: Double
        package var probability: Double
        package var routeChanged: Bool
        /// Why the route changed; nil when it did not.
        package var change: RouteChange?
        /// The routing record this decision emitted; nil when the route did not change.
        package var routingDecisionID: String?
        package var disqualifier: String?
        package var previous: PreviousDecision?
        /// The decision's state hash (for the primary decision: the event's hash chain).
        package var stateHash: String
        package var reasons: [RecordReason]
        /// The lead's holdout arm, when the rule set has a holdout experiment.
        package var arm: String?

        init(_ f: Fields, features: FeatureSet?) throws(ContractError) {
            leadID = try f.requiredString("lead_id")
            tier = try f.requiredString("tier")
            queue = try f.requiredString("queue")
            ownerID = try f.string("owner_id")
            score = try f.requiredNumber("score")
            probability = try f.requiredNumber("probability")
            routeChanged = try f.requiredBool("route_changed")
            change = try RouteChange.member("change", of: f)
            routingDecisionID = try f.string("routing_decision_id")
            disqualifier = try f.string("disqualifier")
            previous = try f.object("previous_decision").map { p throws(ContractError) in try PreviousDecision(p) }
            stateHash = try f.requiredString("state_hash")
            if let features {
                reasons = try RecordReason.indexedList(f, features: features)
            } else {
                reasons = try RecordReason.list(f, kinded: false)
            }
            arm = try f.string("arm")
        }
    }

    /// The route a decision replaced (`previous_decision`).
    package struct PreviousDecision: Sendable, Equatable {
        package var decisionID: String
        package var tier: String
        package var queue: String

        init(_ f: Fields) throws(ContractError) {
            decisionID = try f.requiredString("decision_id")
            tier = try f.requiredString("tier")
            queue = try f.requiredString("queue")
        }
    }

    /// One entry of `shadows`: a shadow model's verdict on a lead the event decided.
    package struct ShadowVerdict: Sendable, Equatable {
        package var leadID: String
        package var modelVersion: String
        package var score: Double
        package var tier: String

        init(_ f: Fields) throws(ContractError) {
            leadID = try f.requiredString("lead_id")
            modelVersion = try f.requiredString("model_version")
            score = try f.requiredNumber("score")
            tier = try f.requiredString("tier")
        }
    }

    /// The record's `schema_version` (2 or 3).
    package var schemaVersion: Int
    /// The `feature_set` a version 3 record's arrays are aligned to; nil for version 2.
    package var featureSet: String?
    package var decisionID: String
    /// The applied log event's kind (`lead.created`, `web.page_viewed`, …).
    package var eventKind: String
    package var accountID: String?
    /// RFC 3339 event time, as written.
    package var eventTime: String
    /// The primary decision; nil when the event decided no lead (`lead_id` null).
    package var decision: Decision?
    package var further: [Decision]
    /// What the record left out of `further_decisions` to stay within the audit size limit.
    package struct Truncation: Sendable, Equatable {
        /// How many further decisions were left out.
        package var count: Int
        /// Lower-case hex SHA-256 of the JSON array of the left-out entries.
        package var sha256: String
    }
    /// `further_truncated`; nil when nothing was left out.
    package var furtherTruncated: Truncation?
    /// The primary decision's feature values by name (`[:]` without a lead).
    package var features: [String: Double?]
    /// The primary decision's nonzero feature contributions by name (`[:]` without a lead).
    package var contributions: [String: Double?]
    /// The primary decision's score components by name (`fit`, `engagement`, `intent`, `account`, `propensity`).
    package var components: [String: Double?]
    package var modelVersion: String
    package var rulesetVersion: String
    /// The event's state hash: a chain over the state hashes of its decisions.
    package var stateHash: String
    package var lineage: RecordLineage
    /// The primary decision's holdout arm (`treatment` or `holdout`) when the record
    /// names one; records decided without a holdout configured carry none. Each
    /// decision carries its own lead's arm too (``Decision/arm``).
    package var arm: String?
    /// The shadow models' verdicts (`shadows`; `[]` when no shadow model was active).
    package var shadows: [ShadowVerdict]

    /// Decodes an audit record's bytes with the service's JSON reader; a record
    /// that is not JSON or lacks a member throws with its code and field path.
    /// `featureSets` name the features of a version 3 record.
    package init(_ bytes: [UInt8], featureSets: FeatureSets = .none) throws(ContractError) {
        let f = try Fields.record(bytes)
        schemaVersion = try f.requiredNonNegativeInteger("schema_version")
        guard schemaVersion == 2 || schemaVersion == 3 else {
            throw f.violation("schema_version", "must be 2 or 3, got \(schemaVersion)")
        }
        var set: FeatureSet?
        if schemaVersion == 3 {
            let id = try f.requiredString("feature_set")
            featureSet = id
            set = featureSets[id] ?? FeatureSet(names: [])
        }
        decisionID = try f.requiredString("decision_id")
        eventKind = try f.requiredString("event_kind")
        accountID = try f.string("account_id")
        eventTime = try f.requiredString("event_time")
        decision = try f.string("lead_id") == nil ? nil : try Decision(f, features: set)
        var further: [Decision] = []
        for item in try f.objects("further_decisions") { further.append(try Decision(item, features: set)) }
        self.further = further
        if let truncated = try f.object("further_truncated") {
            guard let count = try truncated.nonNegativeInteger("count") else { throw truncated.violation("count", "is required") }
            furtherTruncated = Truncation(count: count, sha256: try truncated.requiredString("sha256"))
        }
        if let set {
            var features: [String: Double?] = [:]
            var contributions: [String: Double?] = [:]
            for (j, v) in try f.numberArray("features").enumerated() { features[set.name(j)] = v }
            for (j, c) in try f.numberArray("contributions").enumerated() where c != 0 { contributions[set.name(j)] = c }
            self.features = features
            self.contributions = contributions
        } else {
            features = try f.numbers("features")
            contributions = try f.numbers("contributions")
        }
        components = try f.numbers("components")
        modelVersion = try f.requiredString("model_version")
        rulesetVersion = try f.requiredString("ruleset_version")
        stateHash = try f.requiredString("state_hash")
        lineage = try RecordLineage(f)
        arm = try f.string("arm")
        var shadows: [ShadowVerdict] = []
        for item in try f.objects("shadows") { shadows.append(try ShadowVerdict(item)) }
        self.shadows = shadows
    }

    /// Every lead decision of the record: the primary one (when there is one), then the further ones.
    package var decisions: [Decision] { (decision.map { [$0] } ?? []) + further }
}
