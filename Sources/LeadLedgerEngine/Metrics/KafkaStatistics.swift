import LeadLedgerCore

/// The part of librdkafka's statistics document (`statistics.interval.ms`, see
/// librdkafka's STATISTICS.md) that LeadLedger exports as `leadledger_kafka_*`.
/// Read with the core's bounded JSON parser; fields the document lacks stay at
/// their defaults, members it adds are ignored.
package struct KafkaStatistics: Sendable, Hashable {
    /// A broker connection (`brokers.<name>`).
    package struct Broker: Sendable, Hashable {
        /// `name`, e.g. `127.0.0.1:9092/1`.
        package var name: String
        /// `nodeid`; -1 for the bootstrap and internal entries.
        package var nodeID: Int
        /// `rtt.avg` in microseconds (0 without samples).
        package var rttAverageMicroseconds: Double = 0
        /// `rtt.p99` in microseconds.
        package var rttP99Microseconds: Double = 0
        /// `outbuf_cnt`: requests waiting to be sent.
        package var outbufRequests: Double = 0
    }

    /// A partition this client fetches or produces to (`topics.<t>.partitions.<p>`).
    package struct Partition: Sendable, Hashable {
        /// The topic.
        package var topic: String
        /// The partition (-1 is librdkafka's internal unassigned partition, skipped).
        package var partition: Int32
        /// `fetchq_cnt`: fetched messages waiting in the consumer's queue.
        package var fetchQueueMessages: Double = 0
        /// `fetchq_size`: their bytes.
        package var fetchQueueBytes: Double = 0
        /// `consumer_lag`: librdkafka's estimate (-1 when unknown).
        package var consumerLag: Double = -1
        /// `fetch_state`: `none` for a partition this consumer does not fetch.
        package var fetchState: String = "none"
    }

    /// `client_id`.
    package var clientID: String = ""
    /// `type`: `producer` or `consumer`.
    package var type: String = ""
    /// `msg_cnt`: messages in the producer's queues.
    package var messageCount: Double = 0
    /// `msg_size`: their bytes.
    package var messageBytes: Double = 0
    /// `replyq`: operations waiting in the reply queue.
    package var replyQueue: Double = 0
    /// The broker connections, by name.
    package var brokers: [Broker] = []
    /// The partitions with a fetch state (consumers) or a queue (producers).
    package var partitions: [Partition] = []

    /// Creates empty statistics.
    package init() {}

    /// Parses a statistics document.
    /// - Throws: `ContractError` (`malformed_json`, `payload_too_large`) when the
    ///   bytes are not a JSON object within 64 MiB and 16 levels.
    package init(json bytes: [UInt8]) throws(ContractError) {
        let document = try JSONParser.parse(bytes, limits: JSONLimits(maxBytes: 64 << 20, maxDepth: 16))
        guard case .object(let root) = document else {
            throw ContractError(.malformedJSON, "statistics: the document is not an object")
        }
        clientID = Self.string(root["client_id"]) ?? ""
        type = Self.string(root["type"]) ?? ""
        messageCount = Self.number(root["msg_cnt"]) ?? 0
        messageBytes = Self.number(root["msg_size"]) ?? 0
        replyQueue = Self.number(root["replyq"]) ?? 0
        if case .object(let brokers) = root["brokers"] {
            for member in brokers.members {
                guard case .object(let broker) = member.value else { continue }
                var entry = Broker(name: Self.string(broker["name"]) ?? member.key, nodeID: Int(Self.number(broker["nodeid"]) ?? -1))
                if case .object(let rtt) = broker["rtt"] {
                    entry.rttAverageMicroseconds = Self.number(rtt["avg"]) ?? 0
                    entry.rttP99Microseconds = Self.number(rtt["p99"]) ?? 0
                }
                entry.outbufRequests = Self.number(broker["outbuf_cnt"]) ?? 0
                self.brokers.append(entry)
            }
        }
        if case .object(let topics) = root["topics"] {
            for topic in topics.members {
                guard case .object(let body) = topic.value, case .object(let partitions) = body["partitions"] else { continue }
                for member in partitions.members {
                    guard case .object(let partition) = member.value, let id = Self.number(partition["partition"]), id >= 0,
                        id <= Double(Int32.max)
                    else { continue }
                    self.partitions.append(
                        Partition(
                            topic: topic.key, partition: Int32(id),
                            fetchQueueMessages: Self.number(partition["fetchq_cnt"]) ?? 0,
                            fetchQueueBytes: Self.number(partition["fetchq_size"]) ?? 0,
                            consumerLag: Self.number(partition["consumer_lag"]) ?? -1,
                            fetchState: Self.string(partition["fetch_state"]) ?? "none"))
                }
            }
        }
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number): number
        case .int(let integer): Double(integer)
        default: nil
        }
    }
}
