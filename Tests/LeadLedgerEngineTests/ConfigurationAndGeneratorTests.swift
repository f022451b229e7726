import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Configuration and workload generator")
struct ConfigurationAndGeneratorTests {
    /// Defaults are SPEC's topic names; the YAML file overrides what it names and
    /// keeps the rest; invalid values are rejected with a readable error.
    @Test func yamlOverridesDefaults() throws {
        let defaults = EngineConfiguration()
        #expect(defaults.topics.inbound == ["crm.events", "web.events", "email.events"])
        #expect(defaults.topics.events == "leadledger.events")
        #expect(defaults.sessionTimeoutMilliseconds == 45_000)
        let spec = defaults.topicSpecifications.first { $0.name == "leadledger.events" }
        #expect(spec?.configs["retention.ms"] == "-1")

        let parsed = try EngineConfiguration.parse(
            yaml: """
                brokers: a:1, b:2
                topics: { audit: my.audit }
                partitions: { events: 12 }
                session_timeout_ms: 6000
                state_directory: /var/lib/leadledger
                properties: { "linger.ms": "2" }
                """)
        #expect(parsed.brokers == ["a:1", "b:2"])
        #expect(parsed.topics.audit == "my.audit")
        #expect(parsed.topics.events == "leadledger.events")
        #expect(parsed.partitions.events == 12)
        #expect(parsed.partitions.inbound == 3)
        #expect(parsed.sessionTimeoutMilliseconds == 6000)
        #expect(parsed.stateDirectory == "/var/lib/leadledger")
        #expect(parsed.properties == ["linger.ms": "2"])

        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "partitions: { identity: 4 }") }
        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "session_timeout_ms: [1]") }
    }

    /// A record schema version the binary cannot write is refused at load.
    @Test func unknownRecordSchemaVersionsAreRejected() throws {
        for (yaml, message) in [
            ("routing_schema_version: 3", "routing_schema_version must be 1 or 2"),
            ("audit_schema_version: 1", "audit_schema_version must be 2 or 3"),
        ] {
            do {
                _ = try EngineConfiguration.parse(yaml: yaml, context: "ll.yaml")
                Issue.record("'\(yaml)' must not load")
            } catch {
                #expect(error.code == .invalidConfiguration && error.description.contains(message), "\(error)")
            }
        }
    }

    /// A misspelt key is an error naming the key and where it is, at the top
    /// level and inside a section, instead of silently falling back to a default.
    @Test func unknownConfigurationKeysAreRejected() throws {
        for (yaml, key) in [
            ("state_dir: /var/lib/leadledger", "state_dir"),
            ("groups: { materialise: g }", "groups.materialise"),
            ("topics: { event: log }", "topics.event"),
            ("partitions: { output: 3 }", "partitions.output"),
        ] {
            do {
                _ = try EngineConfiguration.parse(yaml: yaml, context: "ll.yaml")
                Issue.record("'\(yaml)' must not load")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.description.contains("ll.yaml"), "\(error)")
                #expect(error.description.contains("unknown key '\(key)'"), "\(error)")
                #expect(error.description.contains("known keys: "), "\(error)")
            }
        }
        do {
            _ = try EngineConfiguration.parse(yaml: "clear_custom_fields: [Budget__c, 9lives]", context: "ll.yaml")
            Issue.record("a clear custom field that is no field name must not load")
        } catch {
            #expect(error.description.contains("clear_custom_fields[1]") && error.description.contains("9lives"), "\(error)")
        }
        let valid = try EngineConfiguration.parse(yaml: "state_directory: /s\ngroups: { materialize: g }")
        #expect(valid.stateDirectory == "/s" && valid.groups.materialize == "g")
        #expect(try EngineConfiguration.parse(yaml: "# nothing set\n") == EngineConfiguration())
    }

    /// Every key of the documented example is known, and reads as written.
    @Test func theDocumentedExampleLoads() throws {
        let parsed = try EngineConfiguration.parse(
            yaml: """
                brokers: [k1:9092, k2:9092]
                topics: { events: my.events, models: my.models }
                partitions: { inbound: 4, identity: 1, events: 8, outputs: 8 }
                replication_factor: 3
                retention: { inbound: 7d, identity: 36h, routing: 30d, dlq: forever }
                groups: { validate: v, identity: i, materialize: m }
                state_directory: .leadledger/state
                model_store: /var/cache/models
                session_timeout_ms: 45000
                snapshot_every_records: 50000
                snapshot_every_seconds: 60
                scoring_file: config/scoring.yaml
                routing_file: config/routing.yaml
                max_future_skew: 36h
                audit_max_bytes: 262144
                audit_schema_version: 2
                routing_schema_version: 1
                http_host: 127.0.0.1
                http_port: 0
                ready_max_lag: 10000
                route_from: 2026-12-01T00:00:00Z
                clear_custom_fields: [Budget__c, Lead_Source__c]
                properties: { "linger.ms": 5, acks: all }
                """)
        #expect(parsed.clearCustomFields == ["Budget__c", "Lead_Source__c"])
        #expect(parsed.brokers == ["k1:9092", "k2:9092"])
        #expect(parsed.topics.events == "my.events" && parsed.topics.models == "my.models" && parsed.topics.audit == "leadledger.audit")
        #expect(parsed.partitions.inbound == 4 && parsed.partitions.outputs == 8)
        #expect(parsed.replicationFactor == 3)
        #expect(parsed.retention.identityMilliseconds == 36 * 3_600_000 && parsed.retention.dlqMilliseconds == -1)
        #expect(parsed.groups.validate == "v" && parsed.groups.identity == "i" && parsed.groups.materialize == "m")
        #expect(parsed.modelStore == "/var/cache/models" && parsed.maxFutureSkewSeconds == 36 * 3600)
        #expect(parsed.httpHost == "127.0.0.1" && parsed.httpPort == 0 && parsed.routeFrom == "2026-12-01T00:00:00Z")
        #expect(parsed.properties == ["linger.ms": "5", "acks": "all"])
        #expect(parsed.auditSchemaVersion == 2 && parsed.auditSchema == .v2)
        #expect(parsed.routingSchemaVersion == 1 && parsed.routingSchema == .v1)
        #expect(parsed.warnings.isEmpty)
    }

    /// The engine configuration the Kubernetes manifests ship loads.
    @Test func theShippedKubernetesConfigurationLoads() throws {
        let manifest = try String(
            contentsOf: repoRoot.appendingPathComponent("deploy/kubernetes/configmap.yaml"), encoding: .utf8)
        let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "leadledger.yaml: |" })
        let indent = "    "
        let body = lines[(start + 1)...].prefix { $0.hasPrefix(indent) || $0.isEmpty }.map { $0.dropFirst(min($0.count, 4)) }
        let configuration = try EngineConfiguration.parse(yaml: body.joined(separator: "\n"), context: "configmap.yaml")
        #expect(configuration.replicationFactor == 3 && configuration.stateDirectory == "/var/lib/leadledger/state")
    }

    /// The stages' groups are named after the stages; the pre-0.7 key `route`
    /// still names the validate stage's group, with a warning.
    @Test func groupNamesAndTheLegacyRouteKey() throws {
        let defaults = EngineConfiguration()
        #expect(defaults.groups.validate == "leadledger-validate")
        #expect(defaults.groups.identity == "leadledger-identity")
        #expect(defaults.groups.materialize == "leadledger-materialize")
        #expect(defaults.warnings.isEmpty)

        let legacy = try EngineConfiguration.parse(yaml: "groups: { route: my-route-group }")
        #expect(legacy.groups.validate == "my-route-group")
        #expect(legacy.warnings.count == 1)
        #expect(legacy.warnings.first?.contains("groups.validate") == true)

        let current = try EngineConfiguration.parse(yaml: "groups: { validate: v }")
        #expect(current.groups.validate == "v" && current.warnings.isEmpty)
    }

    /// Topics the engine creates get the broker's default replication factor (-1 in
    /// CreateTopics) unless `replication_factor:` names one; 0 and -2 are refused.
    @Test func replicationFactorDefaultsToTheBrokers() throws {
        #expect(EngineConfiguration().topicSpecifications.allSatisfy { $0.replicationFactor == -1 })
        let three = try EngineConfiguration.parse(yaml: "replication_factor: 3")
        #expect(three.topicSpecifications.map(\.replicationFactor) == Array(repeating: 3, count: 10))
        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "replication_factor: 0") }
        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "replication_factor: -2") }
    }

    /// Topics holding copies of personal data get finite retentions (routing 30 days,
    /// repartition, DLQ and inbound 7 days); the log and the audit topic are kept
    /// forever; `retention:` overrides each, `forever` keeps one, bad values are refused.
    @Test func createdTopicsGetFiniteRetentionsByDefault() throws {
        func retention(_ configuration: EngineConfiguration) -> [String: String] {
            Dictionary(uniqueKeysWithValues: configuration.topicSpecifications.map { ($0.name, $0.configs["retention.ms"] ?? "") })
        }
        let defaults = retention(EngineConfiguration())
        #expect(defaults["leadledger.routing"] == "2592000000")
        #expect(defaults["leadledger.dlq"] == "604800000")
        #expect(defaults["leadledger.identity.repartition"] == "604800000")
        #expect(defaults["crm.events"] == "604800000")
        #expect(defaults["leadledger.events"] == "-1")
        #expect(defaults["leadledger.audit"] == "-1")
        let custom = try EngineConfiguration.parse(yaml: "retention: { routing: 14d, dlq: 36h, identity: forever, inbound: 3600 }")
        let overridden = retention(custom)
        #expect(overridden["leadledger.routing"] == "1209600000")
        #expect(overridden["leadledger.dlq"] == "129600000")
        #expect(overridden["leadledger.identity.repartition"] == "-1")
        #expect(overridden["web.events"] == "3600000")
        #expect(overridden["leadledger.events"] == "-1")
        for bad in ["retention: { routing: 0 }", "retention: { dlq: soon }", "retention: { dlq: -5 }", "retention: { audit: 1d }"] {
            #expect(throws: EngineError.self, "\(bad)") { try EngineConfiguration.parse(yaml: bad) }
        }
    }

    /// The shipped default decision configuration (config/scoring.yaml, its
    /// model artifact, config/routing.yaml) is the default of the engine
    /// configuration and loads; the file keys override it; a bad file fails with
    /// its path, line and field.
    @Test func decisionConfigurationLoads() throws {
        let defaults = EngineConfiguration()
        #expect(defaults.scoringFile == "config/scoring.yaml")
        #expect(defaults.routingFile == "config/routing.yaml")
        var configuration = defaults
        configuration.scoringFile = defaultScoringFile
        configuration.routingFile = defaultRoutingFile
        let decisions = try configuration.decisionConfiguration()
        // The B2B default: a points model in a one-component ensemble.
        #expect(decisions.scoring.modelKind == "ensemble")
        #expect(decisions.ensemble.components.map(\.name) == ["points"])
        #expect(decisions.modelVersion.count == 16 && decisions.rulesetVersion.count == 16)
        #expect(decisions.routing.territories.count >= 2)

        let parsed = try EngineConfiguration.parse(yaml: "scoring_file: /etc/ll/s.yaml\nrouting_file: /etc/ll/r.yaml")
        #expect(parsed.scoringFile == "/etc/ll/s.yaml" && parsed.routingFile == "/etc/ll/r.yaml")

        let directory = try makeTemporaryDirectory("badconfig")
        let bad = (directory as NSString).appendingPathComponent("routing.yaml")
        try "queues:\n  sales_ready: {queue: ae}\nterritories:\n  - name: x\n    owners: [{id: a, weight: zero}]\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        configuration.routingFile = bad
        do {
            _ = try configuration.decisionConfiguration()
            Issue.record("a bad routing file must not load")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.description.contains(bad), "\(error)")
            #expect(error.description.contains("\(bad):"), "file:line:column: \(error)")
        }
        configuration.routingFile = defaultRoutingFile
        configuration.scoringFile = (directory as NSString).appendingPathComponent("missing.yaml")
        #expect(throws: EngineError.self) { _ = try configuration.decisionConfiguration() }
    }

    /// The same seed gives the same messages; every valid message decodes with the
    /// core's contract decoders, every deliberately malformed one is rejected, and
    /// the workload has the shapes SPEC §2 names (batches, identifies, duplicates).
    @Test func generatorIsSeededAndFollowsTheContracts() throws {
        var first = WorkloadGenerator(seed: 99, malformedRate: 0.05)
        var second = WorkloadGenerator(seed: 99, malformedRate: 0.05)
        let a = (0..<3000).map { _ in first.next() }
        let b = (0..<3000).map { _ in second.next() }
        #expect(a == b)

        let decoder = InboundDecoder()
        let topics = InboundTopicMap(TopicNames())
        var rejectedValid: [String] = []
        var acceptedMalformed = 0
        var malformed = 0
        for message in a {
            let contract = try #require(topics.contract(of: message.topic))
            let accepted = (try? decoder.decode(topic: contract, bytes: message.value)) != nil
            if message.malformed {
                malformed += 1
                if accepted { acceptedMalformed += 1 }
            } else if !accepted {
                rejectedValid.append(String(decoding: message.value, as: UTF8.self))
            }
        }
        #expect(rejectedValid.isEmpty, "valid messages rejected: \(rejectedValid.prefix(3))")
        #expect(acceptedMalformed == 0)
        #expect(malformed > 50 && malformed < 300)
        let texts = a.filter { !$0.malformed }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(texts.contains { $0.hasPrefix("[") }, "SendGrid batches")
        #expect(texts.contains { $0.contains("\"type\":\"identify\"") })
        #expect(texts.contains { $0.contains("\"type\":\"group\"") })
        #expect(
            texts.contains { $0.contains("+webinar@") || $0.contains("+event@") || $0.contains("+ebook@") }, "CRM duplicates with plus tags"
        )
        #expect(texts.contains { $0.contains("\"parent_domain\"") }, "account hierarchies")
        #expect(texts.contains { $0.contains("privacy.erasure") })
    }

    /// Outcomes carry signal (WorkloadGenerator's doc): leads with senior titles
    /// convert more often than individual contributors, and the people whose
    /// outcome is `lead.converted` visit high-intent pages (pricing, demo,
    /// contact sales, case study) and open or click emails more often than those
    /// disqualified. Read from the generated messages only.
    @Test func generatorOutcomesFollowFitAndBehaviour() throws {
        var generator = WorkloadGenerator(seed: 3, malformedRate: 0)
        func object(_ bytes: [UInt8]) -> Any? { try? JSONSerialization.jsonObject(with: Data(bytes)) }
        var titleOfRecord: [String: String] = [:]
        var outcomeOfEmail: [String: Bool] = [:]
        var outcomeOfRecord: [String: Bool] = [:]
        var emailOfAnonymous: [String: String] = [:]
        var pages: [(anonymousID: String, path: String)] = []
        var emailEvents: [(email: String, event: String)] = []
        let topics = TopicNames()
        for _ in 0..<20_000 {
            let message = generator.next()
            if message.topic == topics.crm, let crm = object(message.value) as? [String: Any], let type = crm["type"] as? String,
                let record = crm["record_id"] as? String
            {
                if type == "lead.created" || type == "contact.created", let title = (crm["lead"] as? [String: Any])?["title"] as? String,
                    titleOfRecord[record] == nil
                {
                    titleOfRecord[record] = title
                } else if type == "lead.converted" || type == "lead.disqualified", outcomeOfRecord[record] == nil,
                    let email = crm["email"] as? String
                {
                    outcomeOfRecord[record] = type == "lead.converted"
                    outcomeOfEmail[email] = type == "lead.converted"
                }
            } else if message.topic == topics.web, let web = object(message.value) as? [String: Any],
                let anonymousID = web["anonymousId"] as? String
            {
                if web["type"] as? String == "identify", let email = (web["traits"] as? [String: Any])?["email"] as? String {
                    emailOfAnonymous[anonymousID] = email
                }
                if let path = ((web["context"] as? [String: Any])?["page"] as? [String: Any])?["path"] as? String {
                    pages.append((anonymousID, path))
                }
            } else if message.topic == topics.email {
                let items = (object(message.value) as? [[String: Any]]) ?? [(object(message.value) as? [String: Any]) ?? [:]]
                for item in items {
                    if let email = item["email"] as? String, let event = item["event"] as? String { emailEvents.append((email, event)) }
                }
            }
        }
        func rate(_ outcomes: [Bool]) -> Double { Double(outcomes.filter { $0 }.count) / Double(max(1, outcomes.count)) }
        let all = Array(outcomeOfRecord.values)
        #expect(all.count > 300 && (0.25...0.75).contains(rate(all)), "\(all.count) outcomes, \(rate(all)) converted")
        let senior = outcomeOfRecord.compactMap { record, converted in
            titleOfRecord[record].map { [.cLevel, .vp].contains(JobTitleClassifier.classify($0).seniority) } == true ? converted : nil
        }
        let individual = outcomeOfRecord.compactMap { record, converted in
            titleOfRecord[record].map { JobTitleClassifier.classify($0).seniority == .individualContributor } == true ? converted : nil
        }
        #expect(senior.count > 30 && individual.count > 30)
        #expect(rate(senior) > rate(individual) + 0.2, "senior \(rate(senior)) vs individual contributors \(rate(individual))")

        let highIntent: Set<String> = ["/pricing", "/demo", "/contact-sales", "/case-studies/acme"]
        func share(_ converted: Bool, _ items: [(person: String?, hit: Bool)]) -> Double {
            let mine = items.filter { $0.person.flatMap { outcomeOfEmail[$0] } == converted }
            return Double(mine.filter(\.hit).count) / Double(max(1, mine.count))
        }
        let pageHits = pages.map { (person: emailOfAnonymous[$0.anonymousID], hit: highIntent.contains($0.path)) }
        #expect(
            share(true, pageHits) > share(false, pageHits) + 0.1,
            "high-intent page share: converted \(share(true, pageHits)), disqualified \(share(false, pageHits))")
        let emailHits = emailEvents.map { (person: Optional($0.email), hit: $0.event == "open" || $0.event == "click") }
        #expect(
            share(true, emailHits) > share(false, emailHits) + 0.05,
            "open/click share: converted \(share(true, emailHits)), disqualified \(share(false, emailHits))")
    }
}
