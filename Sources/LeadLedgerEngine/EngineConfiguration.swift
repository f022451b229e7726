import Foundation
import Kafka
import LeadLedgerDecisions

/// The engine's configuration: defaults, then the YAML file, then flags and environment.
///
/// ```yaml
/// brokers: localhost:9092
/// topics: { events: leadledger.events }
/// partitions: { inbound: 3, identity: 1, events: 6, outputs: 6 }
/// replication_factor: 3
/// retention: { inbound: 7d, identity: 7d, routing: 30d, dlq: 7d }
/// groups: { materialize: leadledger-materialize }
/// state_directory: .leadledger/state
/// session_timeout_ms: 45000
/// snapshot_every_records: 50000
/// snapshot_every_seconds: 60
/// scoring_file: config/scoring.yaml
/// routing_file: config/routing.yaml
/// max_future_skew: 7d
/// audit_max_bytes: 262144
/// audit_schema_version: 3
/// routing_schema_version: 2
/// http_host: 0.0.0.0
/// http_port: 8080
/// ready_max_lag: 10000
/// route_from: 2026-12-01T00:00:00Z
/// clear_custom_fields: [Budget__c, Lead_Source__c]
/// properties: { "linger.ms": "5" }
/// ```
package struct EngineConfiguration: Sendable, Hashable {
    /// Bootstrap servers (comma-separated in the file).
    package var brokers: [String] = ConnectionSettings.defaultBrokers
    /// Topic names.
    package var topics = TopicNames()
    /// Partition counts for topic creation.
    package var partitions = PartitionCounts()
    /// Replication factor of the topics the engine creates; -1 (the default) is
    /// the broker's `default.replication.factor`.
    package var replicationFactor: Int16 = KafkaNewTopic.brokerDefaultReplicationFactor
    /// `retention.ms` of the topics the engine creates (``TopicRetention``).
    package var retention = TopicRetention()
    /// Consumer groups.
    package var groups = GroupNames()
    /// Where snapshots live.
    package var stateDirectory = ".leadledger/state"
    /// The local cache of registered models (nil: `<state_directory>/models`).
    package var modelStore: String?
    /// `session.timeout.ms` of the stages' consumers.
    package var sessionTimeoutMilliseconds = 45_000
    /// Snapshot after this many records per partition.
    package var snapshotEveryRecords = 50_000
    /// Snapshot after this many seconds of processing per partition.
    package var snapshotEverySeconds = 60
    /// The scoring configuration of the decision step (feature catalogue, gate,
    /// `model.artifact`, resolved relative to this file's directory). A relative
    /// path is relative to the working directory; the default is the product
    /// configuration shipped in the repository (`config/scoring.yaml`).
    package var scoringFile = EngineConfiguration.defaultScoringFile
    /// The routing rules of the decision step (queues, SLAs, territories, owners);
    /// default `config/routing.yaml`.
    package var routingFile = EngineConfiguration.defaultRoutingFile
    /// librdkafka properties for every client.
    package var properties: [String: String] = [:]
    /// How far ahead of the wall clock an inbound event may be dated (seconds,
    /// default 7 days); later ones are rejected as `timestamp_out_of_range`. In the
    /// file a duration (`7d`, `36h`, `90m`, `30s`) or a number of seconds.
    package var maxFutureSkewSeconds: Int64 = 7 * 86_400
    /// The largest audit record written, in bytes (default 256 KiB): a larger one
    /// leaves the tail of its `further_decisions` out and says so in
    /// `further_truncated` (`DecisionConfiguration.auditRecordLimit`). `run` and
    /// `audit verify` must be given the same value.
    package var auditMaxBytes = DecisionConfiguration.defaultAuditRecordLimit
    /// The `schema_version` of the audit records written (3, the default: compact
    /// feature arrays named by `feature_set`; 2: the previous shape, for consumers
    /// not yet upgraded). `audit verify` takes the version from the records it verifies.
    package var auditSchemaVersion = AuditSchema.v3.rawValue
    /// The `schema_version` of the routing records written (2, the default: every
    /// reason has a `kind`; 1: the previous shape, for consumers not yet upgraded).
    /// `audit verify --routing-schema-version 1` verifies a range written before the upgrade.
    package var routingSchemaVersion = RoutingSchema.v2.rawValue
    /// The port of `run`'s HTTP server (metrics and health probes; 0: any free
    /// port; default 8080). `--http-port` overrides it.
    package var httpPort = 8080
    /// The address `run`'s HTTP server binds (default `0.0.0.0`, every interface).
    /// `--http-host` overrides it.
    package var httpHost = "0.0.0.0"
    /// The readiness probe fails while any assigned partition lags more records
    /// than this behind its high watermark (default 10,000).
    package var readyMaxLag: Int64 = 10_000
    /// The routing cut-over of a first deployment on history (RFC 3339, nil: none):
    /// events dated before it are decided and audited, but their routing records
    /// are withheld (``RoutingCutover``). `run`, `replay` and `audit verify` must be
    /// given the same value; `--route-from` overrides it.
    package var routeFrom: String?
    /// Lead custom CRM fields whose string values stay in the clear in the
    /// canonical log with a master key, because a decision reads them (every
    /// other string value of a lead custom field is sealed; docs/privacy.md).
    /// The lead fields the configured scoring file's custom features read are
    /// always clear; list here the fields a model registered later will read.
    package var clearCustomFields: [String] = []

    /// The routing cut-over `routeFrom` names (nil when none; `validate` refuses text that is no RFC 3339 time).
    package var routingCutover: RoutingCutover? { routeFrom.flatMap { RoutingCutover(text: $0) } }

    /// The lead custom fields the identity stage leaves in the clear:
    /// ``clearCustomFields`` and every lead field a custom feature of `decisions` reads.
    package func clearCustomFieldSet(reading decisions: DecisionConfiguration) -> Set<String> {
        Set(clearCustomFields).union(decisions.scoring.customFeatures.filter { $0.owner == .lead }.map(\.field))
    }

    /// Deprecated settings the file used; the commands log each once at start.
    package var warnings: [String] {
        groups.usesLegacyRouteKey ? ["groups.route is deprecated since 0.7: name the validate stage's group with groups.validate"] : []
    }

    /// The default scoring configuration (relative to the working directory).
    package static let defaultScoringFile = "config/scoring.yaml"
    /// The default routing rules (relative to the working directory).
    package static let defaultRoutingFile = "config/routing.yaml"

    /// The defaults.
    package init() {}

    /// Parses a duration: a number followed by `d`, `h`, `m` or `s` (or no unit:
    /// seconds). Returns seconds, or nil when the text is not one.
    package static func durationSeconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var digits = Substring(trimmed)
        var unit: Int64 = 1
        if let last = trimmed.last, let factor = units[last] {
            digits = trimmed.dropLast()
            unit = factor
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0 else { return nil }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : seconds
    }

    /// Parses a YAML configuration; `context` (usually the file path) names it in errors.
    /// An empty document (only comments) is the defaults.
    /// - Throws: `invalidConfiguration` for YAML that does not parse, a value of the
    ///   wrong type or out of range, and a key the configuration does not know
    ///   (the error names the file, the key path and the known keys).
    package static func parse(yaml: String, context: String = "config") throws(EngineError) -> EngineConfiguration {
        let configuration: EngineConfiguration
        do {
            let reader = YAMLReader(source: context)
            guard let root = try reader.document(Data(yaml.utf8)) else { return EngineConfiguration() }
            configuration = try EngineConfiguration(root, reader)
        } catch let error as DecisionsError {
            throw EngineError(.invalidConfiguration, context: context, "\(error)")
        } catch {
            throw EngineError(.invalidConfiguration, context: context, "\(error)")
        }
        try configuration.validate(context: context)
        return configuration
    }

    /// Loads a YAML configuration file.
    package static func load(path: String) throws(EngineError) -> EngineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EngineError(.invalidConfiguration, context: path, "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, context: path)
    }

    /// Checks value ranges.
    package func validate(context: String = "config") throws(EngineError) {
        func check(_ ok: Bool, _ reason: String) throws(EngineError) {
            if !ok { throw EngineError(.invalidConfiguration, context: context, reason) }
        }
        try check(!brokers.isEmpty, "no brokers")
        try check(partitions.inbound > 0 && partitions.events > 0 && partitions.outputs > 0, "partition counts must be positive")
        try check(replicationFactor == -1 || replicationFactor >= 1, "replication_factor must be -1 (the broker's default) or at least 1")
        try check(
            partitions.identity == 1, "partitions.identity must be 1: identity state is one ordered partition (see the resolve design)")
        try check(sessionTimeoutMilliseconds >= 1000, "session_timeout_ms must be at least 1000")
        try check(snapshotEveryRecords >= 0 && snapshotEverySeconds >= 0, "snapshot intervals must not be negative")
        try check(maxFutureSkewSeconds >= 0, "max_future_skew must not be negative")
        try check(auditMaxBytes >= 4096, "audit_max_bytes must be at least 4096")
        try check(AuditSchema(rawValue: auditSchemaVersion) != nil, "audit_schema_version must be 2 or 3")
        try check(RoutingSchema(rawValue: routingSchemaVersion) != nil, "routing_schema_version must be 1 or 2")
        try check((0...65_535).contains(httpPort), "http_port must be 0 (any free port) to 65535")
        try check(readyMaxLag >= 0, "ready_max_lag must not be negative")
        try check(!httpHost.isEmpty, "http_host must not be empty")
        if let routeFrom {
            try check(
                RoutingCutover(text: routeFrom) != nil,
                "route_from: '\(routeFrom)' is not an RFC 3339 date-time (e.g. 2026-12-01T00:00:00Z)")
        }
    }

    /// ``auditSchemaVersion`` as the decider's ``AuditSchema`` (validated at load).
    package var auditSchema: AuditSchema { AuditSchema(rawValue: auditSchemaVersion) ?? .v3 }

    /// ``routingSchemaVersion`` as the decider's ``RoutingSchema`` (validated at load).
    package var routingSchema: RoutingSchema { RoutingSchema(rawValue: routingSchemaVersion) ?? .v2 }

    /// Loads the decision step's configuration from `scoringFile` (and the model
    /// artifact it names) and `routingFile`. Every command that derives
    /// decisions (`run`, `replay`, `audit verify`) calls this at start.
    /// - Throws: `invalidConfiguration` whose reason is the `DecisionsError`
    ///   (code, file, line, column, field and message).
    package func decisionConfiguration() throws(EngineError) -> DecisionConfiguration {
        do {
            var decisions = try DecisionConfiguration.load(
                scoringConfig: URL(fileURLWithPath: scoringFile), routingRules: URL(fileURLWithPath: routingFile))
            decisions.auditRecordLimit = auditMaxBytes
            decisions.auditSchema = auditSchema
            decisions.routingSchema = routingSchema
            return decisions
        } catch let error as DecisionsError {
            throw EngineError(.invalidConfiguration, context: error.file ?? scoringFile, "\(error)")
        } catch {
            throw EngineError(.invalidConfiguration, context: "\(scoringFile), \(routingFile)", "\(error)")
        }
    }

    /// Client settings for the given client id.
    package func client(_ clientID: String) -> KafkaClientSettings {
        KafkaClientSettings(bootstrapServers: brokers, clientID: clientID, properties: properties)
    }

    /// The validate stage's bound on future event times.
    package var futureTimestampCheck: FutureTimestampCheck {
        FutureTimestampCheck(maxSkew: .seconds(maxFutureSkewSeconds))
    }

    /// The snapshot policy.
    package var snapshotPolicy: SnapshotPolicy {
        SnapshotPolicy(everyRecords: snapshotEveryRecords, everyInterval: snapshotEverySeconds > 0 ? .seconds(snapshotEverySeconds) : nil)
    }

    /// Every topic the engine uses with the settings it is created with. Configs are
    /// explicit (Tansu reports only creation configs, SPEC §7): the canonical log and
    /// the audit topic are kept forever (`retention.ms=-1`: the system of record, and
    /// what `audit verify` compares against); inbound, identity repartition, routing
    /// and DLQ topics get the finite retentions of `retention` (SPEC §12: copies of
    /// personal data are kept for a bounded time).
    package var topicSpecifications: [KafkaNewTopic] {
        let keep = ["retention.ms": "-1", "cleanup.policy": "delete"]
        func retained(_ milliseconds: Int64) -> [String: String] {
            ["retention.ms": String(milliseconds), "cleanup.policy": "delete"]
        }
        return topics.inbound.map {
            KafkaNewTopic(
                name: $0, partitions: partitions.inbound, replicationFactor: replicationFactor,
                configs: retained(retention.inboundMilliseconds))
        } + [
            KafkaNewTopic(
                name: topics.identity, partitions: partitions.identity, replicationFactor: replicationFactor,
                configs: retained(retention.identityMilliseconds)),
            KafkaNewTopic(name: topics.events, partitions: partitions.events, replicationFactor: replicationFactor, configs: keep),
            KafkaNewTopic(
                name: topics.routing, partitions: partitions.outputs, replicationFactor: replicationFactor,
                configs: retained(retention.routingMilliseconds)),
            KafkaNewTopic(name: topics.audit, partitions: partitions.outputs, replicationFactor: replicationFactor, configs: keep),
            KafkaNewTopic(
                name: topics.dlq, partitions: partitions.outputs, replicationFactor: replicationFactor,
                configs: retained(retention.dlqMilliseconds)),
            // One partition each: control events are few and their order is the order of the operators' actions;
            // the registry is compacted (the latest record per key: manifest or artifact chunk).
            KafkaNewTopic(name: topics.control, partitions: 1, replicationFactor: replicationFactor, configs: keep),
            KafkaNewTopic(
                name: topics.models, partitions: 1, replicationFactor: replicationFactor,
                configs: ["cleanup.policy": "compact", "retention.ms": "-1", "max.message.bytes": "1048588"]),
        ]
    }
}
