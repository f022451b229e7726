extension LeadExplanation {
    /// One activation that decided some of the lead's decisions: a control event
    /// (`model.promote`, `model.rollback`, `ruleset.promote`, `ruleset.rollback`) at
    /// a log position, the version it put in force (a model, or a rule set for the
    /// `ruleset.*` types), who asked and why, and the decisions taken under it
    /// (before the partition's next activation of the same kind).
    package struct Switch: Codable, Sendable, Equatable {
        /// The control event's type.
        package var type: String
        /// The version in force after the event.
        package var version: String
        /// The version in force before it.
        package var from: String
        package var eventID: String
        package var actor: String
        package var reason: String
        /// RFC 3339 time of the control event.
        package var occurredAt: String
        /// The control record's position in the canonical log.
        package var log: Position
        /// The lead's decisions taken under this activation, in log order.
        package var decisionIDs: [String]

        enum CodingKeys: String, CodingKey {
            case type, version, from, actor, reason, log
            case eventID = "event_id"
            case occurredAt = "occurred_at"
            case decisionIDs = "decision_ids"
        }

        package init(
            type: String, version: String, from: String, eventID: String, actor: String, reason: String, occurredAt: String,
            log: Position, decisionIDs: [String]
        ) {
            self.type = type
            self.version = version
            self.from = from
            self.eventID = eventID
            self.actor = actor
            self.reason = reason
            self.occurredAt = occurredAt
            self.log = log
            self.decisionIDs = decisionIDs
        }
    }
}
