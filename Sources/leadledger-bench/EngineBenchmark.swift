import ArgumentParser
import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `leadledger-bench engine`: end-to-end throughput and latency of the engine
/// (validate → identity → materialize, in one process) on a broker, with a raw
/// consume-then-produce passthrough over the same input as the ceiling.
struct EngineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "End-to-end engine throughput, event-to-decision latency at a fixed rate, peak RSS, and a raw passthrough ceiling.",
        discussion: """
            Needs a broker (--brokers or $LEADLEDGER_BROKERS; e.g. `scripts/broker start --port 19092`).
            Every run uses fresh topics and groups. Throughput: --events mixed messages
            are produced first, then the time from the first processed message until
            every stage has processed everything and every output is acknowledged.
            Latency: messages at --rate for --seconds while the engine runs; latency is
            from enqueueing an inbound message to reading its first audit record.
            """
    )

    @Option(help: "Bootstrap servers (default: $LEADLEDGER_BROKERS or 127.0.0.1:19092).")
    var brokers: String?

    @Option(help: "Messages for the throughput run.")
    var events: Int = 200_000

    @Option(help: "Input rate of the latency run (messages/s).")
    var rate: Double = 10_000

    @Option(help: "Duration of the latency run in seconds.")
    var seconds: Double = 10

    @Option(help: "Workload seed.")
    var seed: UInt64 = 7

    @Option(
        help:
            "fetch.wait.max.ms of the engine's consumers (default: the stages' default, 100 ms; librdkafka's own is 500; on Tansu a caught-up fetch waits this long per hop)."
    )
    var fetchWaitMs: Int?

    @Option(help: "Partitions of the inbound topics and the canonical log.")
    var partitions: Int32 = 6

    @Option(
        help:
            "Instead of the broker runs: load this many leads (and a tenth as many accounts) into materialize state (Ledger + Decider, 2 partitions in parallel, through MaterializeProcessor.apply) and print peak RSS. E.g. 1000000."
    )
    var stateLeads: Int = 0

    @Flag(
        help:
            "Record metrics into the Prometheus registry as `run` does (health board and librdkafka statistics included); without it the metrics go to swift-metrics' no-op backend."
    )
    var prometheus = false

    @Flag(help: "Run only the latency measurement (--rate, --seconds), e.g. at a rate the engine sustains.")
    var latencyOnly = false

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property for the engine's clients (repeatable), e.g. -X compression.type=lz4; like `leadledger run -X`.",
            valueName: "key=value"))
    var property: [String] = []

    @Option(help: "PID of the broker process: the throughput run then also reports the broker's CPU time (from /proc/PID/stat).")
    var brokerPid: Int32?

    @Flag(
        help:
            "During the throughput run, print once a second the records each stage applied and the producer's delivered/in-flight counts (shows which stage is behind)."
    )
    var progress = false

    var brokerList: [String] {
        (brokers ?? ProcessInfo.processInfo.environment["LEADLEDGER_BROKERS"] ?? "127.0.0.1:19092").split(separator: ",").map(String.init)
    }

    func makeConfiguration(_ suffix: String) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.brokers = brokerList
        configuration.topics.crm = "bench-crm-\(suffix)"
        configuration.topics.web = "bench-web-\(suffix)"
        configuration.topics.email = "bench-email-\(suffix)"
        configuration.topics.identity = "bench-identity-\(suffix)"
        configuration.topics.events = "bench-events-\(suffix)"
        configuration.topics.routing = "bench-routing-\(suffix)"
        configuration.topics.audit = "bench-audit-\(suffix)"
        configuration.topics.dlq = "bench-dlq-\(suffix)"
        configuration.topics.control = "bench-control-\(suffix)"
        configuration.topics.models = "bench-models-\(suffix)"
        configuration.groups.validate = "bench-validate-\(suffix)"
        configuration.groups.identity = "bench-identity-\(suffix)"
        configuration.groups.materialize = "bench-materialize-\(suffix)"
        configuration.partitions.inbound = partitions
        configuration.partitions.events = partitions
        configuration.partitions.outputs = partitions
        configuration.sessionTimeoutMilliseconds = 6000
        if let fetchWaitMs { configuration.properties["fetch.wait.max.ms"] = String(fetchWaitMs) }
        for item in property {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { configuration.properties[String(parts[0])] = String(parts[1]) }
        }
        configuration.stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-state-\(suffix)").path
        // The generator's event clock starts at 2026-11-01 and advances about 45 s per
        // message, so a long run dates its events months ahead of the wall clock: allow
        // that instead of rejecting them as timestamp_out_of_range.
        configuration.maxFutureSkewSeconds = 100 * 365 * 86_400
        return configuration
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        if stateLeads > 0 {
            try await stateFootprint(leads: stateLeads)
            return
        }
        let suffix = String(UInt32.random(in: 0...UInt32.max))
        print("leadledger-bench engine: brokers \(brokerList.joined(separator: ",")), \(partitions) partitions per topic, seed \(seed)")
        if latencyOnly {
            let (p50, p99, measured) = try await latency(makeConfiguration(suffix + "-lat"), logger: logger)
            print(
                String(
                    format: "latency at %.0f msgs/s for %.0f s: p50 %.1f ms, p99 %.1f ms over %d messages with audit records", rate,
                    seconds, p50, p99, measured))
            print("peak RSS: \(peakRSS())")
            return
        }

        // 1. Throughput.
        let configuration = makeConfiguration(suffix)
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: brokerList), logger: logger)
        try await TopicProvisioner.ensureTopics(configuration, admin: admin)
        try await admin.createTopic(
            name: "bench-passthrough-\(suffix)", partitions: partitions, configs: ["retention.ms": "-1", "cleanup.policy": "delete"])
        await admin.close()
        let produceStart = ContinuousClock.now
        try await produceWorkload(configuration, count: events, seed: seed, logger: logger)
        print("produced \(events) inbound messages in \(format(ContinuousClock.now - produceStart))")

        let services = try makeServices(configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: services.stages.map { .init(service: $0) }, logger: logger))
        let running = Task { try await group.run() }
        var started: ContinuousClock.Instant?
        // From before the group join (little CPU): a poll of this loop can come seconds late.
        let cpuAtStart = (ours: Self.processCPUSeconds(), broker: brokerPid.flatMap(Self.cpuSeconds(pid:)))
        var finished: ContinuousClock.Instant?
        var last = PartitionWorkerStatistics()
        var routeDone: ContinuousClock.Instant?
        var identityDone: ContinuousClock.Instant?
        var nextProgress = ContinuousClock.now + .seconds(1)
        while finished == nil {
            try await Task.sleep(for: .milliseconds(20))
            let validate = await services.validate!.statistics()
            let identity = await services.identity!.statistics()
            let materialize = await services.materialize!.statistics()
            if started == nil, validate.applied > 0 { started = .now }
            if progress, let started, ContinuousClock.now >= nextProgress {
                nextProgress = ContinuousClock.now + .seconds(1)  // no catch-up lines after a stall
                let producer = services.producer.statistics
                print(
                    String(
                        format: "  %5.1f s: validate %d, identity %d, materialize %d applied; producer delivered %d, in flight %d",
                        seconds(ContinuousClock.now - started), validate.applied, identity.applied, materialize.applied, producer.delivered,
                        producer.inFlight))
            }
            let accepted = validate.outputsByTopic[configuration.topics.identity, default: 0]
            let logged = identity.outputsByTopic[configuration.topics.events, default: 0]
            if routeDone == nil, validate.applied == events { routeDone = .now }
            if identityDone == nil, routeDone != nil, identity.applied == accepted { identityDone = .now }
            if validate.applied == events, identity.applied == accepted, materialize.applied == logged,
                services.producer.statistics.inFlight == 0
            {
                finished = .now
            }
            last = materialize
        }
        // The stage workers' own timestamps: this loop's reads can wait seconds for the
        // busy cooperative pool, so `started` and `finished` are late by that much.
        let routeStats = await services.validate!.statistics()
        let identityStats = await services.identity!.statistics()
        if let first = routeStats.firstAppliedAt, let routeLast = routeStats.lastAppliedAt, let identityLast = identityStats.lastAppliedAt,
            let last = last.lastAppliedAt
        {
            print(
                String(
                    format:
                        "polled: started %.2f s late; stages done after (worker clocks, first validate record to each stage's last applied batch): validate %.2f s, identity %.2f s, materialize %.2f s",
                    seconds(started! - first), seconds(routeLast - first), seconds(identityLast - first), seconds(last - first)))
            started = first
            finished = max(finished!, last)
        }
        let elapsed = seconds(finished! - started!)
        let cpu = (
            ours: Self.processCPUSeconds() - cpuAtStart.ours,
            broker: brokerPid.flatMap(Self.cpuSeconds(pid:)).flatMap { end in cpuAtStart.broker.map { end - $0 } }
        )
        let canonical = last.applied
        await group.triggerGracefulShutdown()
        try await running.value
        await services.producer.close()
        let engineRate = Double(events) / elapsed
        print(
            String(
                format: "stages done after: validate %.2f s, identity %.2f s, materialize %.2f s", seconds(routeDone! - started!),
                seconds(identityDone! - started!), elapsed))
        print(
            String(
                format:
                    "engine: %d inbound messages -> %d canonical events -> %d audit records in %.2f s: %.0f inbound msgs/s (%.0f log events/s)",
                events, canonical, last.outputsByTopic[configuration.topics.audit, default: 0], elapsed, engineRate,
                Double(canonical) / elapsed))

        // The audit contract: exactly one audit record per applied log event (a log event the ledger had
        // applied already, or an undecodable one, has none), so the wait above ends once the last one is out.
        let auditRecords = last.outputsByTopic[configuration.topics.audit, default: 0]
        print(
            String(
                format: "audit: %d records for %d applied log events (%.3f per log event; at most 1 expected), routing: %d records",
                auditRecords, canonical, Double(auditRecords) / Double(max(canonical, 1)),
                last.outputsByTopic[configuration.topics.routing, default: 0]))
        print(
            String(
                format: "CPU during the throughput run: engine process %.2f s (%.2f cores, %.0f µs per inbound msg)", cpu.ours,
                cpu.ours / elapsed, cpu.ours / Double(events) * 1e6)
                + (cpu.broker.map {
                    String(format: "; broker %.2f s (%.2f cores, %.0f µs per inbound msg)", $0, $0 / elapsed, $0 / Double(events) * 1e6)
                } ?? ""))
        print("peak RSS after the throughput run (engine only so far): \(peakRSS())")

        // Processing cost without Kafka: each processor over the records the run read.
        try await processorCost(configuration, logger: logger)

        // 2. Passthrough ceilings over the same input: the same topology with the engine's
        // own records and no domain work, then a single consume-and-produce hop.
        let reader = LogReader(client: KafkaClientSettings(bootstrapServers: brokerList, clientID: "bench-pt-reader"), logger: logger)
        let topology = try await SameTopologyPassthrough.load(configuration, reader: reader, brokers: brokerList, logger: logger)
        try await topology.createTopics(configuration)
        let topologySeconds = try await topology.run(
            inbound: configuration.topics.inbound, inboundPartitions: configuration.partitions.inbound, inboundCount: events,
            configuration: configuration)
        let topologyRate = Double(events) / topologySeconds
        print(
            String(
                format:
                    "same-topology passthrough (inbound -> repartition -> log -> routing + audit, the engine's own records, no domain work): %d + %d + %d records, %.1f + %.1f + %.1f MB, in %.2f s: %.0f inbound msgs/s; engine/same-topology = %.2fx",
                topology.validate.records.count, topology.identity.records.count, topology.materialize.records.count,
                Double(topology.validate.bytes) / 1e6, Double(topology.identity.bytes) / 1e6, Double(topology.materialize.bytes) / 1e6,
                topologySeconds, topologyRate, engineRate / topologyRate))
        let passthroughRate = try await passthrough(configuration, target: "bench-passthrough-\(suffix)", logger: logger)
        print(
            String(
                format: "single-hop passthrough (consume + produce, no processing): %.0f msgs/s; engine/passthrough = %.2fx",
                passthroughRate,
                engineRate / passthroughRate))

        // 3. Latency at a fixed rate.
        let (p50, p99, measured) = try await latency(makeConfiguration(suffix + "-lat"), logger: logger)
        print(
            String(
                format: "latency at %.0f msgs/s for %.0f s: p50 %.1f ms, p99 %.1f ms over %d messages with audit records", rate, seconds,
                p50, p99, measured))
        print("peak RSS (whole benchmark, incl. the records the cost section holds): \(peakRSS())")
    }

    /// Peak RSS with `leads` leads in materialize state: per lead an
    /// `identity.linked` (CRM record + corporate email) and an `attributes` event
    /// (CRM lead), after `leads / 10` `account.upserted` events, all encoded as log
    /// records and applied through `MaterializeProcessor.apply` (decode, ledger,
    /// Decider, record encoding; outputs discarded). Two log partitions are loaded
    /// in parallel (half the leads each), so the state is what two materialize
    /// partitions of one process hold. Then each partition's snapshot: its size,
    /// and the thread CPU time to encode it and to restore a processor from it.
    func stateFootprint(leads: Int) async throws {
        let configuration = makeConfiguration("state")
        let decider = Decider(try configuration.decisionConfiguration())
        let topics = configuration.topics
        let rssBefore = peakRSS()
        print(
            "leadledger-bench engine --state-leads \(leads): 2 materialize partitions, \(leads / 10) accounts, 2 log events per lead (identity + attributes); VmHWM before: \(rssBefore)"
        )
        let start = ContinuousClock.now
        let seed = self.seed
        let loaded = try await withThrowingTaskGroup(of: (Int32, MaterializeProcessor, Int).self) { group in
            for partition in Int32(0)..<2 {
                group.addTask {
                    var processor = MaterializeProcessor(topics: topics, partition: partition, decider: decider)
                    var rng = SplitMix64(seed: seed &+ UInt64(partition))
                    let share = leads / 2 + (partition == 0 ? leads % 2 : 0)
                    let accounts = max(1, share / 10)
                    let titles = [
                        "CEO", "VP Sales", "Director of IT", "Marketing Manager", "Software Engineer", "Senior Analyst", "Office Manager",
                        "CFO",
                    ]
                    var offset: Int64 = 0
                    var outputs = 0
                    let t0: Int64 = 1_700_000_000_000
                    func apply(_ event: CanonicalEvent) {
                        let record = LogRecord(
                            topic: topics.events, partition: partition, offset: offset, key: Array((event.accountID?.rawValue ?? "").utf8),
                            value: event.encoded)
                        outputs += processor.apply(record).count
                        offset += 1
                    }
                    func lineage() -> Lineage {
                        Lineage(
                            position: SourcePosition(topic: topics.crm, partition: partition, offset: offset), seq: 0, externalID: nil,
                            system: .crm)
                    }
                    let accountIDs = (0..<accounts).map { AccountID("acct\(partition)-\($0).com") }
                    for (i, account) in accountIDs.enumerated() {
                        var facts = AccountFacts()
                        facts.name = "Account \(partition)-\(i)"
                        facts.domain = account.rawValue
                        facts.employees = Int(rng.next() % 10_000)
                        facts.industry = ["Software", "Retail", "Finance", "Health"][i % 4]
                        facts.ownerID = "owner-\(i % 200)"
                        apply(
                            CanonicalEvent(
                                eventTime: EventTime(milliseconds: t0), leadID: nil, accountID: account, lineage: lineage(),
                                payload: .accountUpserted(facts)))
                    }
                    for i in 0..<share {
                        let id = LeadID(raw: rng.next())
                        let account = accountIDs[Int(rng.next() % UInt64(accounts))]
                        let email = "first\(i % 2000).last\(i)@\(account.rawValue)"
                        let time = EventTime(milliseconds: t0 + Int64(i) * 1000)
                        apply(
                            CanonicalEvent(
                                eventTime: time, leadID: id, accountID: account, lineage: lineage(),
                                payload: .identityLinked([
                                    Identifier(.crmRecord, "salesforce:00Q\(partition)-\(i)"), Identifier(.email, email),
                                ])))
                        let title = titles[Int(rng.next() % UInt64(titles.count))]
                        let c = JobTitleClassifier.classify(title)
                        apply(
                            CanonicalEvent(
                                eventTime: time, leadID: id, accountID: account, lineage: lineage(),
                                payload: .attributes([
                                    AttributeValue(.email, email), AttributeValue(.firstName, "First\(i % 2000)"),
                                    AttributeValue(.lastName, "Last\(i)"),
                                    AttributeValue(.title, title), AttributeValue(.phone, "+1415\(1_000_000 + i % 9_000_000)"),
                                    AttributeValue(.country, "US"), AttributeValue(.seniority, c.seniority.rawValue),
                                    AttributeValue(.jobFunction, c.function.rawValue), AttributeValue(.buyingRole, c.role.rawValue),
                                ])))
                    }
                    return (partition, processor, outputs)
                }
            }
            var loaded: [(partition: Int32, processor: MaterializeProcessor, outputs: Int)] = []
            for try await result in group { loaded.append(result) }
            return loaded.sorted { $0.partition < $1.partition }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let leadCount = loaded.reduce(0) { $0 + $1.processor.projections.leadCount }
        let records = loaded.reduce(0) { $0 + $1.outputs }
        print(String(format: "loaded %d leads (%d decision records) in %.1f s", leadCount, records, elapsed))
        // The state alone: read before any snapshot is taken or restored (a restore holds a second copy).
        print(
            "RSS with \(leadCount) leads in materialize state: \(residentSetSize("VmRSS")) (peak while loading: \(residentSetSize("VmHWM"))); after malloc_trim: \(trimmedRSS())"
        )
        for (partition, processor, _) in loaded {
            // The partition's snapshot, as the engine takes it on revoke and restores it on assign.
            let encodeStart = threadCPUSeconds()
            let bytes = processor.snapshot() ?? []
            let encode = threadCPUSeconds() - encodeStart
            let decodeStart = threadCPUSeconds()
            let restored = try MaterializeProcessor(topics: topics, partition: partition, decider: decider, snapshot: bytes)
            let decode = threadCPUSeconds() - decodeStart
            let leads = processor.projections.leadCount
            print(
                String(
                    format:
                        "partition %d: materialize snapshot %.2f MB (%.0f B/lead, %@), encode %.3f s CPU, decode %.3f s CPU; restored re-encodes to the same bytes: %@",
                    partition, Double(bytes.count) / 1e6, Double(bytes.count) / Double(max(1, leads)),
                    MaterializeProcessor.snapshotFormat, encode, decode, restored.snapshot() == bytes ? "yes" : "NO"))
        }
    }

    func processorCost(_ configuration: EngineConfiguration, logger: Logger) async throws {
        let reader = LogReader(client: KafkaClientSettings(bootstrapServers: brokerList, clientID: "bench-cost"), logger: logger)
        let topics = configuration.topics
        func load(_ topic: String, _ count: Int32) async throws -> [LogRecord] { try await reader.readAll(topic: topic, partitions: count) }
        let inbound = try await load(topics.crm, partitions) + load(topics.web, partitions) + load(topics.email, partitions)
        let identity = try await load(topics.identity, 1)
        let log = try await load(topics.events, partitions)
        // One processor per source partition, as the engine runs them: the ledger drops an event whose
        // source position it has passed, so one processor fed every log partition in turn would skip
        // most of the later partitions' events as duplicates.
        func measure<P: PartitionProcessor>(_ name: String, _ records: [LogRecord], _ make: (Int32) -> P) {
            var processors: [Int32: P] = [:]
            var outputs = 0
            let start = ContinuousClock.now
            for record in records {
                var processor = processors.removeValue(forKey: record.partition) ?? make(record.partition)
                outputs += processor.apply(record).count
                processors[record.partition] = processor
            }
            let elapsed = seconds(ContinuousClock.now - start)
            print(
                String(
                    format: "  %@: %d records -> %d outputs in %.3f s: %.0f records/s (no Kafka)", name, records.count, outputs, elapsed,
                    Double(records.count) / elapsed))
        }
        print("processing cost without Kafka (one thread):")
        measure("validate (decode + check)", inbound) { _ in
            ValidateProcessor(topics: topics, futureCheck: configuration.futureTimestampCheck)
        }
        measure("identity (decode + resolve + encode)", identity) { _ in IdentityProcessor(topics: topics) }
        // The same records in the repartition format before the binary form (JSON
        // value, string headers): the identity step parses each message again.
        let previous = PreviousRepartitionFormat.records(identity, inbound: inbound)
        measure("identity, previous repartition format (JSON + headers)", previous) { _ in IdentityProcessor(topics: topics) }
        let forwarded = identity.filter { !$0.value.isEmpty }
        let previousForwarded = previous.filter { !$0.value.isEmpty }
        print(
            String(
                format:
                    "  repartition records: %d forwarded, %.1f B each (key + value + headers); previous format %.1f B each (%d read back)",
                forwarded.count, Double(PreviousRepartitionFormat.bytes(forwarded)) / Double(max(forwarded.count, 1)),
                Double(PreviousRepartitionFormat.bytes(previousForwarded)) / Double(max(previousForwarded.count, 1)),
                previousForwarded.count))
        let decider = Decider(try configuration.decisionConfiguration())
        measure("materialize (decode + ledger + decide + encode)", log) {
            MaterializeProcessor(topics: topics, partition: $0, decider: decider)
        }
        materializeSplit(log, decider: decider, topics: topics)

        // Crypto-shredding: the same steps with a master key (personal fields sealed
        // with per-subject keys; keys stay in memory here, nothing is produced).
        let sealer = PersonalDataSealer(keyring: SubjectKeyring(master: MasterKey(bytes: (0..<32).map { UInt8($0) })))
        measure("identity with a master key (… + seal)", identity) { _ in
            IdentityProcessor(topics: topics, resolver: IdentityResolver(), sealer: sealer)
        }
        // Both logs partitioned alike (by a hash of the key), so the two runs decide the same events.
        func resolved(_ sealer: PersonalDataSealer?) -> [LogRecord] {
            var processor = IdentityProcessor(topics: topics, resolver: IdentityResolver(), sealer: sealer)
            var out: [LogRecord] = []
            for record in identity {
                for output in processor.apply(record) where output.topic == topics.events {
                    let partition = Int32(StableHash.of(output.key ?? []) % UInt64(partitions))
                    out.append(
                        LogRecord(
                            topic: topics.events, partition: partition, offset: Int64(out.count), key: output.key, value: output.value))
                }
            }
            return out
        }
        let plainLog = resolved(nil)
        let sealedLog = resolved(sealer)
        measure("materialize without a key (same partitioning as the next line)", plainLog) {
            MaterializeProcessor(topics: topics, partition: $0, decider: decider)
        }
        measure("materialize with a master key (… + open routing emails)", sealedLog) {
            MaterializeFactory(topics: topics, decider: decider, cutover: nil, sealer: sealer).makeProcessor(partition: $0)
        }
        measure("identity without a key (again, after warm-up)", identity) { _ in IdentityProcessor(topics: topics) }

        // The identity step split: decoding vs. the core resolver alone.
        let decoder = InboundDecoder()
        var decoded: [([InboundEvent], SourcePosition)] = []
        let decodeStart = ContinuousClock.now
        for record in identity {
            guard let input = try? RepartitionInput(record) else { continue }
            switch input.content {
            case .record(.inbound(_, let events)): decoded.append((events, input.source))
            case .message(let contract, let bytes):
                if let events = try? decoder.decode(topic: contract, bytes: bytes) { decoded.append((events, input.source)) }
            default: break
            }
        }
        let decodeTime = seconds(ContinuousClock.now - decodeStart)
        var resolver = IdentityResolver()
        var canonical = 0
        let resolveStart = ContinuousClock.now
        for (events, position) in decoded { canonical += resolver.resolve(events, at: position).count }
        let resolveTime = seconds(ContinuousClock.now - resolveStart)
        print(
            String(
                format: "  identity split: decode %.0f msgs/s, IdentityResolver.resolve %.0f msgs/s (%d canonical events)",
                Double(decoded.count) / decodeTime, Double(decoded.count) / resolveTime, canonical))
    }

    /// The materialize step split into its parts, the same work `MaterializeProcessor.apply`
    /// does per record (one `Ledger` + `DecisionState` per log partition, duplicates skipped),
    /// each part timed on its own: `CanonicalEvent(bytes:)`, `Ledger.apply`, `Decider.decide`
    /// and building the output records (the `decision_id` header read back from each record's
    /// bytes, as `MaterializeProcessor` does). Also prints the lead decisions per applied log
    /// event (`DecisionOutput.decisions`), the fan-out to compare with `leadledger-bench decider`.
    /// The clock reads add ~4 × 30 ns per record.
    func materializeSplit(_ records: [LogRecord], decider: Decider, topics: TopicNames) {
        var ledgers: [Int32: Ledger] = [:]
        var states: [Int32: DecisionState] = [:]
        var decode = Duration.zero
        var apply = Duration.zero
        var decide = Duration.zero
        var output = Duration.zero
        var applied = 0
        var decisions = 0
        var outputs = 0
        let clock = ContinuousClock()
        for record in records {
            let t0 = clock.now
            guard let event = try? CanonicalEvent(bytes: record.value) else { continue }
            let t1 = clock.now
            var ledger = ledgers.removeValue(forKey: record.partition) ?? Ledger()
            let effects = ledger.apply(event)
            let t2 = clock.now
            decode += t1 - t0
            apply += t2 - t1
            if effects.contains(.duplicateIgnored) {
                ledgers[record.partition] = ledger
                continue
            }
            var state = states.removeValue(forKey: record.partition) ?? DecisionState()
            let result = decider.decide(
                event: event, effects: effects, ledger: ledger, logPartition: record.partition, logOffset: record.offset, state: &state)
            let t3 = clock.now
            var built: [OutputRecord] = []
            built.reserveCapacity(result.audit.count + result.routing.count)
            for (items, topic) in [(result.audit, topics.audit), (result.routing, topics.routing)] {
                for item in items {
                    built.append(MaterializeProcessor.output(item, topic: topic))
                }
            }
            let t4 = clock.now
            decide += t3 - t2
            output += t4 - t3
            applied += 1
            decisions += result.decisions
            outputs += built.count
            ledgers[record.partition] = ledger
            states[record.partition] = state
        }
        let total = seconds(decode + apply + decide + output)
        func part(_ name: String, _ d: Duration) -> String {
            String(format: "%@ %.1f µs (%.0f%%)", name, seconds(d) / Double(max(records.count, 1)) * 1e6, seconds(d) / total * 100)
        }
        print(
            "  materialize split, per log record: "
                + [part("decode", decode), part("ledger", apply), part("decide", decide), part("output records", output)].joined(
                    separator: ", "))
        print(
            String(
                format:
                    "  materialize fan-out: %d applied log events -> %d lead decisions (%.2f per event), %d output records; decide %.1f µs per decision",
                applied, decisions, Double(decisions) / Double(max(applied, 1)), outputs, seconds(decide) / Double(max(decisions, 1)) * 1e6)
        )
    }

    func produceWorkload(_ configuration: EngineConfiguration, count: Int, seed: UInt64, logger: Logger) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokerList, clientID: "bench"), logger: logger)
        var generator = WorkloadGenerator(seed: seed, topics: configuration.topics, malformedRate: 0.01)
        for _ in 0..<count {
            let message = generator.next()
            try await producer.enqueue(KafkaProducerMessage(topic: message.topic, key: Array(message.key.utf8), value: message.value))
        }
        try await producer.flush(timeout: .seconds(120))
        await producer.close()
    }

    func passthrough(_ configuration: EngineConfiguration, target: String, logger: Logger) async throws -> Double {
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: brokerList, clientID: "bench-passthrough")
        consumerConfiguration.maxBatchSize = 4096
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try consumer.assign(
            configuration.topics.inbound.flatMap { topic in
                (0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: .beginning) }
            })
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokerList, clientID: "bench-passthrough"), logger: logger)
        var consumed = 0
        var started: ContinuousClock.Instant?
        for try await event in consumer.events {
            guard case .messages(let messages) = event else { continue }
            if started == nil { started = .now }
            for message in messages {
                try await producer.enqueue(
                    KafkaProducerMessage(topic: target, key: message.key.map { Array($0) }, value: Array(message.value)))
            }
            consumed += messages.count
            if consumed >= events { break }
        }
        try await producer.flush(timeout: .seconds(120))
        let elapsed = seconds(ContinuousClock.now - started!)
        await producer.close()
        await consumer.close()
        return Double(consumed) / elapsed
    }

    /// The engine's services; with `--prometheus` recording as `run` does.
    func makeServices(_ configuration: EngineConfiguration, logger: Logger) throws -> EngineServices {
        let pipeline = try EnginePipeline(configuration: configuration, selection: .all)
        guard prometheus else { return try pipeline.makeServices(logger: logger) }
        _ = PrometheusBootstrap.registry()
        return try pipeline.makeServices(logger: logger, status: EngineStatusBoard(), statistics: KafkaStatisticsRecorder(logger: logger))
    }

    func latency(_ configuration: EngineConfiguration, logger: Logger) async throws -> (Double, Double, Int) {
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: brokerList), logger: logger)
        try await TopicProvisioner.ensureTopics(configuration, admin: admin)
        await admin.close()
        let services = try makeServices(configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: services.stages.map { .init(service: $0) }, logger: logger))
        let running = Task { try await group.run() }

        // Audit reader: first audit record per source position.
        var readerConfiguration = KafkaConsumerConfiguration(bootstrapServers: brokerList, clientID: "bench-latency")
        readerConfiguration.client.properties["fetch.wait.max.ms"] = "5"
        let reader = try KafkaConsumer(configuration: readerConfiguration, logger: logger)
        try reader.assign(
            (0..<partitions).map { KafkaTopicPartitionOffset(topic: configuration.topics.audit, partition: $0, offset: .beginning) })
        let seen = Mutex<[String: ContinuousClock.Instant]>([:])
        let readTask = Task {
            for try await event in reader.events {
                guard case .messages(let messages) = event else { continue }
                let now = ContinuousClock.now
                var found: [String] = []
                for message in messages {
                    if let key = Self.sourcePosition(message.value) { found.append(key) }
                }
                seen.withLock { seen in for key in found where seen[key] == nil { seen[key] = now } }
            }
        }

        // Warm-up: wait until the stages are assigned and a first decision comes out.
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokerList, clientID: "bench-latency"), logger: logger)
        var generator = WorkloadGenerator(seed: seed &+ 1, topics: configuration.topics, malformedRate: 0)
        let deadline = ContinuousClock.now + .seconds(60)
        while await services.materialize!.statistics().applied == 0 {
            if ContinuousClock.now > deadline { throw ValidationError("the engine did not start within 60 s") }
            let message = generator.next()
            try await producer.enqueue(KafkaProducerMessage(topic: message.topic, key: Array(message.key.utf8), value: message.value))
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(2))

        let sent = Mutex<[String: ContinuousClock.Instant]>([:])
        let total = Int(rate * seconds)
        let start = ContinuousClock.now
        for index in 0..<total {
            let due = start + .nanoseconds(Int64(Double(index) / rate * 1e9))
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            let message = generator.next()
            let enqueued = ContinuousClock.now
            try await producer.enqueue(KafkaProducerMessage(topic: message.topic, key: Array(message.key.utf8), value: message.value)) {
                result in
                if case .success(let report) = result {
                    sent.withLock { $0["\(message.topic)/\(report.partition)/\(report.offset)"] = enqueued }
                }
            }
        }
        try await producer.flush(timeout: .seconds(60))
        try await Task.sleep(for: .seconds(3))  // let the last decisions arrive
        await producer.close()
        readTask.cancel()
        await reader.close()
        await group.triggerGracefulShutdown()
        try? await running.value
        await services.producer.close()

        let sentTimes = sent.withLock { $0 }
        let seenTimes = seen.withLock { $0 }
        var latencies: [Double] = []
        for (key, enqueued) in sentTimes {
            if let decided = seenTimes[key] { latencies.append(seconds(decided - enqueued) * 1000) }
        }
        latencies.sort()
        guard !latencies.isEmpty else { return (.nan, .nan, 0) }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return (percentile(0.5), percentile(0.99), latencies.count)
    }

    static let sourceNeedle = Array(#""source":{"offset":"#.utf8)

    /// "topic/partition/offset" of an audit record's `lineage.source`, read from the
    /// bytes (the Decider writes sorted keys without whitespace:
    /// `"source":{"offset":O,"partition":P,"topic":"T"}`). A byte scan instead of a
    /// JSON parse keeps the reader from competing with the engine for the CPU.
    static func sourcePosition(_ bytes: KafkaBytes) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            let b = raw.bindMemory(to: UInt8.self)
            let n = sourceNeedle.count
            guard b.count > n else { return nil }
            var i = 0
            while i + n <= b.count {
                if b[i] == 0x22, b[i + 1] == 0x73,
                    sourceNeedle.withUnsafeBufferPointer({ memcmp(b.baseAddress! + i, $0.baseAddress!, n) == 0 })
                {
                    var j = i + n
                    func integer() -> Int64? {
                        var value: Int64 = 0
                        var digits = 0
                        while j < b.count, b[j] >= 0x30, b[j] <= 0x39 {
                            value = value * 10 + Int64(b[j] - 0x30)
                            j += 1
                            digits += 1
                        }
                        return digits > 0 ? value : nil
                    }
                    func skip(_ literal: String) -> Bool {
                        for c in literal.utf8 {
                            guard j < b.count, b[j] == c else { return false }
                            j += 1
                        }
                        return true
                    }
                    guard let offset = integer(), skip(#","partition":"#), let partition = integer(), skip(#","topic":""#) else {
                        return nil
                    }
                    let start = j
                    while j < b.count, b[j] != 0x22 { j += 1 }
                    return "\(String(decoding: UnsafeBufferPointer(rebasing: b[start..<j]), as: UTF8.self))/\(partition)/\(offset)"
                }
                i += 1
            }
            return nil
        }
    }

    /// User + system CPU seconds of this process (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(
            usage.ru_stime.tv_usec) / 1e6
    }

    /// User + system CPU seconds of another process, from `/proc/PID/stat` (nil when unreadable).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (utime + stime) / ticks
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func format(_ duration: Duration) -> String { String(format: "%.2f s", seconds(duration)) }

    func peakRSS() -> String { residentSetSize("VmHWM") }

    /// The resident set after glibc's `malloc_trim(0)` has returned the free
    /// memory it keeps to the system: the live state, close to what a long-lived
    /// process settles at (looked up at run time: Swift's Glibc module leaves
    /// malloc.h out).
    func trimmedRSS() -> String {
        #if canImport(Glibc)
            typealias Trim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
                _ = unsafeBitCast(symbol, to: Trim.self)(0)
                return residentSetSize("VmRSS")
            }
        #endif
        return "unknown"
    }

    /// A resident-set line of /proc/self/status: `VmRSS` (now) or `VmHWM` (the peak so far).
    func residentSetSize(_ field: String) -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return "unknown" }
        return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
    }
}
