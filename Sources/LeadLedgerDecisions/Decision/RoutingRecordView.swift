import LeadLedgerCore

/// A `leadledger.routing` record (schema_version 1) read back into typed values:
/// what `watch` and other readers show. The Decider writes these records
/// (``RoutingRecord``, encoded by ``RoutingRecordCodec``); this is the decoder
/// for the same contract: the decode side of ``RoutingRecordCodec``. Members a reader does not need are not decoded, and
/// unknown members are ignored (additive changes within a schema version).
package struct RoutingRecordView: Sendable, Equatable {
    package var decisionID: String
    package var leadID: String
    package var accountID: String?
    /// The lead's email addresses as the record carries them (for CRM sync).
    package var emails: [String]
    /// RFC 3339 event time, as written.
    package var eventTime: String
    package var tier: String
    package var queue: String
    package var ownerID: String?
    package var score: Double
    package var probability: Double
    /// Why the route changed.
    package var change: RouteChange
    package var reasons: [RecordReason]
    package var modelVersion: String
    package var rulesetVersion: String
    package var lineage: RecordLineage
    /// The lead's holdout arm (`treatment` or `holdout`), when the rule set has a holdout experiment.
    package var arm: String?

    /// Decodes a routing record's bytes with the service's JSON reader; a record
    /// that is not JSON or lacks a member throws with its code and field path.
    package init(_ bytes: [UInt8]) throws(ContractError) {
        let f = try Fields.record(bytes)
        decisionID = try f.requiredString("decision_id")
        leadID = try f.requiredString("lead_id")
        accountID = try f.string("account_id")
        emails = try f.strings("emails")
        eventTime = try f.requiredString("event_time")
        tier = try f.requiredString("tier")
        queue = try f.requiredString("queue")
        ownerID = try f.string("owner_id")
        score = try f.requiredNumber("score")
        probability = try f.requiredNumber("probability")
        guard let change = try RouteChange.member("change", of: f) else { throw f.violation("change", "is required") }
        self.change = change
        reasons = try RecordReason.list(f)
        modelVersion = try f.requiredString("model_version")
        rulesetVersion = try f.requiredString("ruleset_version")
        arm = try f.string("arm")
        lineage = try RecordLineage(f)
    }
}
