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
    package func registerConfiguredRuleSet(now: EventTime) async throws -> String? {
        let configured = try configuration.decisionConfiguration().rulesetVersion
        guard try await registry.read(reader: reader).ruleSets[configured] == nil else { return nil }
        let record = try await registerRuleSet(
            file: URL(fileURLWithPath: configuration.routingFile), createdBy: "leadledger rules promote (configured routing file)",
            createdAt: now)
        return record.rulesetVersion
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
