/// The topics the read model consumes, by role.
package struct ReadModelTopics: Sendable, Equatable {
    /// `leadledger.routing`: route changes (the lead's emails come from here).
    package var routing: String
    /// `leadledger.audit`: every decision with reasons and lineage.
    package var audit: String
    /// `leadledger.events`: the canonical log (identities, attributes, accounts, opportunities, outcomes, overrides).
    package var events: String
    /// `leadledger.dlq`: rejected inputs.
    package var dlq: String

    package init(routing: String, audit: String, events: String, dlq: String) {
        self.routing = routing
        self.audit = audit
        self.events = events
        self.dlq = dlq
    }

    /// Every topic, in a fixed order.
    package var all: [String] { [routing, audit, events, dlq] }
}
