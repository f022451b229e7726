import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import Yams

extension EngineConfiguration {
    /// Reads the file's root mapping over the defaults; every mapping refuses a
    /// key it does not know (``YAMLReader``).
    init(_ root: Node, _ r: YAMLReader) throws {
        self.init()
        let known = [
            "brokers", "topics", "partitions", "replication_factor", "retention", "groups", "state_directory", "model_store",
            "session_timeout_ms", "snapshot_every_records", "snapshot_every_seconds", "scoring_file", "routing_file", "properties",
            "max_future_skew", "audit_max_bytes", "audit_schema_version", "routing_schema_version", "http_host", "http_port",
            "ready_max_lag", "route_from", "clear_custom_fields",
        ]
        for (key, node) in try r.mapping(root, "", known: known) {
            switch key {
            case "brokers":
                brokers = node.sequence != nil ? try r.strings(node, key) : ConnectionSettings.brokerList(try r.string(node, key))
            case "topics": topics = try TopicNames(node, r)
            case "partitions": partitions = try PartitionCounts(node, r)
            case "replication_factor": replicationFactor = try r.integer(node, key)
            case "retention": retention = try TopicRetention(node, r)
            case "groups": groups = try GroupNames(node, r)
            case "state_directory": stateDirectory = try r.string(node, key)
            case "model_store": modelStore = try r.string(node, key)
            case "session_timeout_ms": sessionTimeoutMilliseconds = try r.integer(node, key)
            case "snapshot_every_records": snapshotEveryRecords = try r.integer(node, key)
            case "snapshot_every_seconds": snapshotEverySeconds = try r.integer(node, key)
            case "scoring_file": scoringFile = try r.string(node, key)
            case "routing_file": routingFile = try r.string(node, key)
            case "properties": properties = try r.textMap(node, key)
            case "max_future_skew":
                let text = try r.string(node, key)
                guard let seconds = Self.durationSeconds(text) else {
                    throw r.fail(node, key, "'\(text)' is not a duration (e.g. 7d, 36h, 90m, 30s)")
                }
                maxFutureSkewSeconds = seconds
            case "audit_max_bytes": auditMaxBytes = try r.integer(node, key)
            case "audit_schema_version": auditSchemaVersion = try r.integer(node, key)
            case "routing_schema_version": routingSchemaVersion = try r.integer(node, key)
            case "http_host": httpHost = try r.string(node, key)
            case "http_port": httpPort = try r.integer(node, key)
            case "ready_max_lag": readyMaxLag = try r.integer(node, key)
            case "clear_custom_fields":
                let fields = try r.strings(node, key)
                if let bad = fields.firstIndex(where: { !CustomField.isValidKey($0) }) {
                    throw r.fail(
                        node, "\(key)[\(bad)]", "'\(fields[bad].prefix(80))' is not a custom field name (^[A-Za-z][A-Za-z0-9_]{0,63}$)")
                }
                clearCustomFields = fields
            default: routeFrom = try r.string(node, key)
            }
        }
    }
}

extension TopicNames {
    /// Reads `topics:` over the defaults.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        let keys: KeyValuePairs<String, WritableKeyPath<TopicNames, String>> = [
            "crm": \.crm, "web": \.web, "email": \.email, "identity": \.identity, "events": \.events,
            "routing": \.routing, "audit": \.audit, "dlq": \.dlq, "control": \.control, "models": \.models,
        ]
        let members = try r.mapping(node, "topics", known: keys.map(\.key))
        for (key, path) in keys {
            if let value = members.first(where: { $0.key == key })?.node {
                self[keyPath: path] = try r.string(value, "topics." + key)
            }
        }
    }
}

extension PartitionCounts {
    /// Reads `partitions:` over the defaults.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        let keys: KeyValuePairs<String, WritableKeyPath<PartitionCounts, Int32>> = [
            "inbound": \.inbound, "identity": \.identity, "events": \.events, "outputs": \.outputs,
        ]
        let members = try r.mapping(node, "partitions", known: keys.map(\.key))
        for (key, path) in keys {
            if let value = members.first(where: { $0.key == key })?.node {
                self[keyPath: path] = try r.integer(value, "partitions." + key)
            }
        }
    }
}

extension GroupNames {
    /// Reads `groups:` over the defaults. The pre-0.7 key `route` still names the
    /// validate stage's group (unless `validate` does too), and is remembered for
    /// the warning.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        var route: String?
        var validateGiven = false
        for (key, value) in try r.mapping(node, "groups", known: ["validate", "identity", "materialize"], deprecated: ["route"]) {
            let name = try r.string(value, "groups." + key)
            switch key {
            case "validate":
                validate = name
                validateGiven = true
            case "identity": identity = name
            case "materialize": materialize = name
            default: route = name
            }
        }
        usesLegacyRouteKey = route != nil
        if let route, !validateGiven { validate = route }
    }
}

extension TopicRetention {
    /// Reads `retention:` over the defaults.
    init(_ node: Node, _ r: YAMLReader) throws {
        self.init()
        let keys: KeyValuePairs<String, WritableKeyPath<TopicRetention, Int64>> = [
            "inbound": \.inboundMilliseconds, "identity": \.identityMilliseconds, "routing": \.routingMilliseconds,
            "dlq": \.dlqMilliseconds,
        ]
        let members = try r.mapping(node, "retention", known: keys.map(\.key))
        for (key, path) in keys {
            guard let value = members.first(where: { $0.key == key })?.node else { continue }
            let text = try r.string(value, "retention." + key)
            guard let milliseconds = Self.milliseconds(text) else {
                throw r.fail(
                    value, "retention." + key, "'\(text)' is not a retention (a positive duration such as 30d, 36h, 90m, 30s, or forever)")
            }
            self[keyPath: path] = milliseconds
        }
    }
}
