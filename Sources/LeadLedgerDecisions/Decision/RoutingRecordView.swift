import LeadLedgerCore

/// A `leadledger.routing` record (schema_version 1 or 2) read back into typed
/// values: what `watch`, `serve`'s read model and other readers use. The Decider
/// writes these records (``RoutingRecord``, encoded by ``RoutingRecordCodec``);
/// this is the decoder for the same contract, the decode side of
/// ``RoutingRecordCodec``. Every member of the contract is decoded, so
/// ``RoutingRecordCodec/encode(_:)`` writes a decoded record's bytes back as they
/// were; unknown members are ignored (additive changes within a schema version).
/// Both versions decode to the same values: a reason's ``RecordReason/kind`` is
/// typed whichever way the record spells it.
package struct RoutingRecordView: Sendable, Equatable {
    /// The score's components (`components`), each in [0, 1].
    package struct Components: Sendable, Equatable {
        package var account: Double
        package var engagement: Double
        package var fit: Double
        package var intent: Double
        package var propensity: Double

        init(_ f: Fields) throws(ContractError) {
            account = try f.requiredNumber("account")
            engagement = try f.requiredNumber("engagement")
            fit = try f.requiredNumber("fit")
            intent = try f.requiredNumber("intent")
            propensity = try f.requiredNumber("propensity")
        }
    }

    /// The record's `schema_version`.
    package var schemaVersion: RoutingSchema
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
    package var components: Components
    /// The ensemble margin (log-odds).
    package var margin: Double
    /// The base of the feature attribution (`explanation_base`).
    package var explanationBase: Double
    /// Why the route changed.
    package var change: RouteChange
    package var reasons: [RecordReason]
    package var modelVersion: String
    package var rulesetVersion: String
    package var lineage: RecordLineage
    /// The lead's holdout arm, when the rule set has a holdout experiment.
    package var arm: Arm?

    /// Decodes a routing record's bytes with the service's JSON reader; a record
    /// that is not JSON, lacks a member or has a schema_version other than 1 or 2
    /// throws with its code and field path.
    package init(_ bytes: [UInt8]) throws(ContractError) {
        let f = try Fields.record(bytes)
        let version = try f.requiredNonNegativeInteger("schema_version")
        guard let schema = RoutingSchema(rawValue: version) else { throw f.violation("schema_version", "must be 1 or 2, got \(version)") }
        schemaVersion = schema
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
        components = try Components(try f.requiredObject("components"))
        margin = try f.requiredNumber("margin")
        explanationBase = try f.requiredNumber("explanation_base")
        guard let change = try RouteChange.member("change", of: f) else { throw f.violation("change", "is required") }
        self.change = change
        reasons = try RecordReason.list(f, kinded: schema == .v2)
        modelVersion = try f.requiredString("model_version")
        rulesetVersion = try f.requiredString("ruleset_version")
        if let name = try f.string("arm") {
            guard let arm = Arm(rawValue: name) else { throw f.violation("arm", "must be treatment or holdout, got \(name)") }
            self.arm = arm
        } else {
            arm = nil
        }
        lineage = try RecordLineage(f)
    }
}
