import CRdKafka
import Logging
import Synchronization

/// Topic administration and cluster metadata.
///
/// Each request runs on a background thread (librdkafka's admin calls block
/// until the broker answers or `requestTimeout` passes).
public final class KafkaAdminClient: Sendable {
    private let core: AdminCore
    private let requestTimeout: Duration

    /// Creates an admin client.
    public init(configuration: KafkaAdminConfiguration, logger: Logger = Logger(label: "kafka.admin")) throws(KafkaError) {
        let core = AdminCore(logger: logger)
        let opaque = Unmanaged.passRetained(core as RdClientContext).toOpaque()
        do {
            let conf = try RdKafka.makeConf(configuration.rdProperties, context: opaque)
            let rk = try RdKafka.makeHandle(type: RD_KAFKA_PRODUCER, conf: conf, properties: configuration.rdProperties)
            core.start(handle: RdPointer(raw: rk), contextOpaque: opaque)
        } catch {
            Unmanaged<RdClientContext>.fromOpaque(opaque).release()
            throw error
        }
        self.core = core
        self.requestTimeout = configuration.requestTimeout
    }

    deinit {
        core.destroyWhenIdle()
    }

    /// Creates one topic.
    /// - Throws: `KafkaError` with `code == .topicAlreadyExists` (see
    ///   `isTopicAlreadyExists`) when it exists, which callers may ignore.
    public func createTopic(_ topic: KafkaNewTopic) async throws(KafkaError) {
        let results = try await createTopics([topic])
        if let error = results[topic.name] ?? nil { throw error }
    }

    /// Creates a topic: `partitions`, `replicationFactor`, and `configs` such as
    /// `["retention.ms": "-1"]` (give configs explicitly: Tansu reports only those, SPEC §7).
    public func createTopic(name: String, partitions: Int32, replicationFactor: Int16 = 1, configs: [String: String] = [:])
        async throws(KafkaError)
    {
        try await createTopic(KafkaNewTopic(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: configs))
    }

    /// Creates topics; returns each topic's error (nil on success). Throws only
    /// when the request as a whole failed.
    public func createTopics(_ topics: [KafkaNewTopic]) async throws(KafkaError) -> [String: KafkaError?] {
        let timeout = requestTimeout
        return try await core.withLease(operation: "createTopics") { (rk) throws(KafkaError) in
            try await RdKafka.runBlocking { () throws(KafkaError) in
                var errstr = [CChar](repeating: 0, count: 512)
                var newTopics: [OpaquePointer?] = []
                defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
                for topic in topics {
                    guard
                        let newTopic = rd_kafka_NewTopic_new(
                            topic.name, topic.partitions, Int32(topic.replicationFactor), &errstr, errstr.count)
                    else {
                        throw KafkaError(
                            code: .localInvalidArgument, message: cString(errstr), operation: "createTopics", topic: topic.name)
                    }
                    newTopics.append(newTopic)
                    for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                        let err = rd_kafka_NewTopic_set_config(newTopic, key, value)
                        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "createTopics", topic: topic.name) }
                    }
                }
                let event = try AdminCore.request(rk: rk.raw, timeout: timeout) { options, queue in
                    newTopics.withUnsafeMutableBufferPointer { buffer in
                        rd_kafka_CreateTopics(rk.raw, buffer.baseAddress, buffer.count, options, queue)
                    }
                }
                defer { rd_kafka_event_destroy(event) }
                var count = 0
                guard let result = rd_kafka_event_CreateTopics_result(event),
                    let results = rd_kafka_CreateTopics_result_topics(result, &count)
                else { throw KafkaError(code: .localFailure, message: "no CreateTopics result", operation: "createTopics") }
                var outcome: [String: KafkaError?] = [:]
                for index in 0..<count {
                    let topicResult = results[index]
                    let name = String(cString: rd_kafka_topic_result_name(topicResult))
                    let err = rd_kafka_topic_result_error(topicResult)
                    if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                        outcome[name] = .some(nil)
                    } else {
                        let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
                        outcome[name] = .some(KafkaError(err, message: text, operation: "createTopics", topic: name))
                    }
                }
                return outcome
            }
        }
    }

    /// Deletes topics; returns each topic's error (nil on success).
    public func deleteTopics(_ names: [String]) async throws(KafkaError) -> [String: KafkaError?] {
        let timeout = requestTimeout
        return try await core.withLease(operation: "deleteTopics") { (rk) throws(KafkaError) in
            try await RdKafka.runBlocking { () throws(KafkaError) in
                var deletes: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
                defer { for delete in deletes { rd_kafka_DeleteTopic_destroy(delete) } }
                let event = try AdminCore.request(rk: rk.raw, timeout: timeout) { options, queue in
                    deletes.withUnsafeMutableBufferPointer { buffer in
                        rd_kafka_DeleteTopics(rk.raw, buffer.baseAddress, buffer.count, options, queue)
                    }
                }
                defer { rd_kafka_event_destroy(event) }
                var count = 0
                guard let result = rd_kafka_event_DeleteTopics_result(event),
                    let results = rd_kafka_DeleteTopics_result_topics(result, &count)
                else { throw KafkaError(code: .localFailure, message: "no DeleteTopics result", operation: "deleteTopics") }
                var outcome: [String: KafkaError?] = [:]
                for index in 0..<count {
                    let name = String(cString: rd_kafka_topic_result_name(results[index]))
                    let err = rd_kafka_topic_result_error(results[index])
                    outcome[name] =
                        err == RD_KAFKA_RESP_ERR_NO_ERROR ? .some(nil) : .some(KafkaError(err, operation: "deleteTopics", topic: name))
                }
                return outcome
            }
        }
    }

    /// A topic's configuration as the broker reports it (`DescribeConfigs`): name to
    /// value, entries without a value left out. Kafka reports every config with its
    /// effective value; Tansu only those set when the topic was created (SPEC §7).
    public func describeTopicConfigs(_ topic: String) async throws(KafkaError) -> [String: String] {
        let timeout = requestTimeout
        return try await core.withLease(operation: "describeConfigs") { (rk) throws(KafkaError) in
            try await RdKafka.runBlocking { () throws(KafkaError) in
                var resources: [OpaquePointer?] = [rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)]
                defer { for resource in resources { rd_kafka_ConfigResource_destroy(resource) } }
                let event = try AdminCore.request(rk: rk.raw, timeout: timeout) { options, queue in
                    resources.withUnsafeMutableBufferPointer { buffer in
                        rd_kafka_DescribeConfigs(rk.raw, buffer.baseAddress, buffer.count, options, queue)
                    }
                }
                defer { rd_kafka_event_destroy(event) }
                var count = 0
                guard let result = rd_kafka_event_DescribeConfigs_result(event),
                    let results = rd_kafka_DescribeConfigs_result_resources(result, &count), count > 0
                else {
                    throw KafkaError(code: .localFailure, message: "no DescribeConfigs result", operation: "describeConfigs", topic: topic)
                }
                let resource = results[0]
                let err = rd_kafka_ConfigResource_error(resource)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    let text = rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) }
                    throw KafkaError(err, message: text, operation: "describeConfigs", topic: topic)
                }
                var entryCount = 0
                guard let entries = rd_kafka_ConfigResource_configs(resource, &entryCount) else { return [:] }
                var configs: [String: String] = [:]
                for index in 0..<entryCount {
                    guard let name = rd_kafka_ConfigEntry_name(entries[index]), let value = rd_kafka_ConfigEntry_value(entries[index])
                    else { continue }
                    configs[String(cString: name)] = String(cString: value)
                }
                return configs
            }
        }
    }

    /// Lists topics with their partitions (cluster metadata), sorted by name.
    /// - Parameter topic: only this topic (nil: all topics).
    public func listTopics(topic: String? = nil, timeout: Duration? = nil) async throws(KafkaError) -> [KafkaTopicMetadata] {
        let timeout = timeout ?? requestTimeout
        return try await core.withLease(operation: "metadata") { (rk) throws(KafkaError) in
            try await RdKafka.runBlocking { () throws(KafkaError) in
                var rkt: OpaquePointer? = nil
                if let topic { rkt = rd_kafka_topic_new(rk.raw, topic, nil) }
                defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
                var metadata: UnsafePointer<rd_kafka_metadata>? = nil
                let err = rd_kafka_metadata(rk.raw, rkt == nil ? 1 : 0, rkt, &metadata, timeout.millisecondsInt32)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "metadata", topic: topic) }
                guard let metadata else { return [] }
                defer { rd_kafka_metadata_destroy(metadata) }
                var topics: [KafkaTopicMetadata] = []
                for index in 0..<Int(metadata.pointee.topic_cnt) {
                    let t = metadata.pointee.topics[index]
                    var partitions: [KafkaPartitionMetadata] = []
                    for p in 0..<Int(t.partition_cnt) {
                        let pm = t.partitions[p]
                        partitions.append(
                            KafkaPartitionMetadata(
                                id: pm.id,
                                leader: pm.leader,
                                replicas: (0..<Int(pm.replica_cnt)).map { pm.replicas[$0] },
                                inSyncReplicas: (0..<Int(pm.isr_cnt)).map { pm.isrs[$0] }
                            ))
                    }
                    let name = String(cString: t.topic)
                    let topicError = t.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(t.err, operation: "metadata", topic: name)
                    topics.append(KafkaTopicMetadata(name: name, partitions: partitions.sorted { $0.id < $1.id }, error: topicError))
                }
                return topics.sorted { $0.name < $1.name }
            }
        }
    }

    /// Destroys the client once running requests finished. Idempotent.
    public func close() async {
        await core.close()
    }
}
