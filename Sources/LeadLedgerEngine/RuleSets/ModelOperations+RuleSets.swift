import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions

extension ModelOperations {
    /// Registers the routing file at `file`: checks that it loads as routing rules
    /// with the configured scoring configuration (as `run` would load it), then writes
    /// its record to the registry topic and waits for the acknowledgement.
    /// - Returns: the record written.
    /// - Throws: ``ModelRegistryError`` `invalid_ruleset` naming the file and the problem.
    package func registerRuleSet(file: URL, createdBy: String, createdAt: EventTime) async throws -> RuleSetRecord {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: file)) } catch {
            throw ModelRegistryError(.invalidRuleSet, context: file.path, "cannot read: \(error.localizedDescription)")
        }
        let record = try RuleSetRecord(yaml: bytes, source: file.lastPathComponent, createdAt: createdAt.rfc3339, createdBy: createdBy)
        let decisions: DecisionConfiguration
        do {
            decisions = try DecisionConfiguration.load(scoringConfig: URL(fileURLWithPath: configuration.scoringFile), routingRules: file)
        } catch {
            throw ModelRegistryError(.invalidRuleSet, context: file.path, "\(error)")
        }
        guard decisions.rulesetVersion == record.rulesetVersion else {
            throw ModelRegistryError(
                .invalidRuleSet, context: file.path,
                "the rules load as version \(decisions.rulesetVersion), the file's bytes hash to \(record.rulesetVersion)")
        }
        let producer = try KafkaProducer(
            configuration: ModelRegistry.producerConfiguration(
                brokers: configuration.brokers, properties: configuration.properties, clientID: "leadledger-rules"),
            logger: logger)
        do {
            _ = try await producer.send(record.message(topic: configuration.topics.models))
            await producer.close()
        } catch {
            await producer.close()
            throw error
        }
        return record
    }

    /// Registers the configured routing file when the registry lacks it, so a
    /// `ruleset.rollback` to it loads on every process, whatever routing file that
    /// process was started with (a promote writes it before its control event).
    /// - Returns: the version registered now; nil when the registry held it already.
    @discardableResult
    package func registerConfiguredRuleSet(
        now: EventTime, createdBy: String = "leadledger rules promote (configured routing file)"
    ) async throws -> String? {
        let configured = try configuration.decisionConfiguration().rulesetVersion
        guard try await registry.read(reader: reader).ruleSets[configured] == nil else { return nil }
        let record = try await registerRuleSet(
            file: URL(fileURLWithPath: configuration.routingFile), createdBy: createdBy, createdAt: now)
        return record.rulesetVersion
    }

    /// `run`'s rule-set bootstrap: when the control topic holds no rule-set event
    /// yet, registers the configured routing file (when the registry lacks it) and
    /// writes a `ruleset.promote` of it (actor `leadledger run`). Every partition
    /// then names the rule set in force from that position on; promoting the rule
    /// set in force switches nothing and reassigns no lead.
    /// - Returns: whether a promote event was written.
    @discardableResult
    package func bootstrapRuleSet(_ decisions: DecisionConfiguration, now: EventTime) async throws -> Bool {
        let requested = try await requestedActivation(
            configured: decisions.modelVersion, configuredRuleSet: decisions.rulesetVersion, contents: try await contents())
        guard !requested.activation.history.contains(where: { $0.event.kind.actsOnRuleSet }) else { return false }
        if let registered = try await registerConfiguredRuleSet(now: now, createdBy: "leadledger run (bootstrap)") {
            logger.notice("registered the configured routing file as rule set \(registered) in \(configuration.topics.models)")
        }
        try await write(
            ControlEvent(
                eventID: "ctl_bootstrap_ruleset_\(decisions.rulesetVersion)", kind: .rulesetPromote, version: decisions.rulesetVersion,
                actor: "leadledger run", reason: "bootstrap: the log has no rule-set activation yet", occurredAt: now))
        logger.notice("promoted the configured rule set \(decisions.rulesetVersion) (the log had no rule-set activation)")
        return true
    }

    /// The registered rule set `version`.
    /// - Throws: ``ModelRegistryError`` `unknown_ruleset_version`, or the record's own problem.
    package func lookupRuleSet(_ version: String) async throws -> RuleSetRecord {
        let contents = try await registry.read(reader: reader)
        if let found = contents.ruleSets[version] { return found }
        if let broken = contents.brokenRuleSets[version] { throw broken }
        throw ModelRegistryError(
            .unknownRuleSetVersion, context: version, "no rule set \(version) in \(configuration.topics.models)")
    }
}
