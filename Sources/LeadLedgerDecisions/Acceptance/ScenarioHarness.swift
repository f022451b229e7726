import LeadLedgerCore

/// A whole pipeline in one value, for acceptance checks: inbound JSON → the
/// inbound decoders → the identity resolver → a one-partition canonical log →
/// the projections → the decider, exactly as the engine's stages chain them,
/// with the routing and audit records read back through their typed views.
package struct ScenarioHarness {
    private var resolver = IdentityResolver()
    private let decoder = InboundDecoder()
    private var sourceOffsets: [InboundTopic: Int64] = [:]
    /// The canonical log so far (partition 0, in order).
    package private(set) var log: [CanonicalEvent] = []

    package init() {}

    /// Resolves one inbound message of `topic` into canonical log events.
    /// - Throws: the decoder's `ContractError` for a message the engine would reject.
    package mutating func feed(_ topic: InboundTopic, _ json: String) throws(ContractError) {
        let offset = sourceOffsets[topic, default: 0]
        sourceOffsets[topic] = offset + 1
        let inbound = try decoder.decode(topic: topic, bytes: Array(json.utf8))
        log += resolver.resolve(inbound, at: SourcePosition(topic: topic.rawValue, partition: 0, offset: offset))
    }

    /// The lead id the identity resolver gave `email`, if any.
    package mutating func lead(email: String) -> String? {
        resolver.lead(for: Identifier(.email, email))?.description
    }

    /// The records of the log decided by `configuration`, from an empty state.
    package func decide(_ configuration: DecisionConfiguration) throws(ContractError) -> Decisions {
        let decider = Decider(configuration)
        var ledger = Ledger()
        var state = DecisionState()
        var effects: [ProjectionEffect] = []
        var decisions = Decisions()
        let featureSets = FeatureSets([configuration.featureSet])
        for (offset, event) in log.enumerated() {
            effects.removeAll(keepingCapacity: true)
            ledger.apply(event, effects: &effects)
            let output = decider.decide(
                event: event, effects: effects, ledger: ledger, logPartition: 0, logOffset: Int64(offset), state: &state)
            for record in output.routing { decisions.routing.append(try RoutingRecordView(record.value)) }
            for record in output.audit { decisions.audit.append(try AuditRecordView(record.value, featureSets: featureSets)) }
        }
        return decisions
    }

    /// What the decider wrote for a log, as typed records.
    package struct Decisions: Sendable {
        package var routing: [RoutingRecordView] = []
        package var audit: [AuditRecordView] = []

        /// Every routing record of `lead`, in order.
        package func routes(_ lead: String) -> [RoutingRecordView] { routing.filter { $0.leadID == lead } }

        /// Audit records whose primary decision is `lead`'s.
        package func audits(_ lead: String) -> [AuditRecordView] { audit.filter { $0.decision?.leadID == lead } }
    }
}
