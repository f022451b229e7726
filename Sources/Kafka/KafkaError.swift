import CRdKafka

/// The one error type of the `Kafka` module.
///
/// `code` identifies what went wrong (it mirrors librdkafka's `rd_kafka_resp_err_t`,
/// with the codes callers branch on spelled out), `isRetriable`/`isFatal` say what to
/// do about it, and `operation`, `topic` and `partition` say where it happened.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. Cases prefixed `local` are raised by the client itself
    /// (librdkafka's negative `RD_KAFKA_RESP_ERR__*` codes); the others are broker codes.
    public enum Code: Sendable, Hashable, CustomStringConvertible {
        case noError
        case localBadMessage
        case localDestroyed
        case localFailure
        case localTransport
        case localResolve
        case localMessageTimedOut
        case localPartitionEOF
        case localUnknownPartition
        case localUnknownTopic
        case localAllBrokersDown
        case localInvalidArgument
        case localTimedOut
        case localQueueFull
        case localState
        case localNoOffset
        case localNotFound
        case localPurgeQueue
        case localPurgeInflight
        case localFatal
        case localMaxPollExceeded
        case localAssignmentLost
        case localNotImplemented
        case localInvalidType
        case unknown
        case offsetOutOfRange
        case invalidMessage
        case unknownTopicOrPartition
        case leaderNotAvailable
        case notLeaderForPartition
        case requestTimedOut
        case messageSizeTooLarge
        case networkException
        case coordinatorLoadInProgress
        case coordinatorNotAvailable
        case notCoordinator
        case notEnoughReplicas
        case notEnoughReplicasAfterAppend
        case illegalGeneration
        case unknownMemberID
        case rebalanceInProgress
        case topicAuthorizationFailed
        case groupAuthorizationFailed
        case topicAlreadyExists
        case invalidPartitions
        case invalidReplicationFactor
        case invalidConfig
        case policyViolation
        case outOfOrderSequenceNumber
        case unknownProducerID
        case kafkaStorageError
        /// Any other `rd_kafka_resp_err_t` value.
        case other(Int32)

        private static let table: [(Code, rd_kafka_resp_err_t)] = [
            (.noError, RD_KAFKA_RESP_ERR_NO_ERROR),
            (.localBadMessage, RD_KAFKA_RESP_ERR__BAD_MSG),
            (.localDestroyed, RD_KAFKA_RESP_ERR__DESTROY),
            (.localFailure, RD_KAFKA_RESP_ERR__FAIL),
            (.localTransport, RD_KAFKA_RESP_ERR__TRANSPORT),
            (.localResolve, RD_KAFKA_RESP_ERR__RESOLVE),
            (.localMessageTimedOut, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT),
            (.localPartitionEOF, RD_KAFKA_RESP_ERR__PARTITION_EOF),
            (.localUnknownPartition, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION),
            (.localUnknownTopic, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC),
            (.localAllBrokersDown, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN),
            (.localInvalidArgument, RD_KAFKA_RESP_ERR__INVALID_ARG),
            (.localTimedOut, RD_KAFKA_RESP_ERR__TIMED_OUT),
            (.localQueueFull, RD_KAFKA_RESP_ERR__QUEUE_FULL),
            (.localState, RD_KAFKA_RESP_ERR__STATE),
            (.localNoOffset, RD_KAFKA_RESP_ERR__NO_OFFSET),
            (.localNotFound, RD_KAFKA_RESP_ERR__NOENT),
            (.localPurgeQueue, RD_KAFKA_RESP_ERR__PURGE_QUEUE),
            (.localPurgeInflight, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT),
            (.localFatal, RD_KAFKA_RESP_ERR__FATAL),
            (.localMaxPollExceeded, RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED),
            (.localAssignmentLost, RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST),
            (.localNotImplemented, RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED),
            (.localInvalidType, RD_KAFKA_RESP_ERR__INVALID_TYPE),
            (.unknown, RD_KAFKA_RESP_ERR_UNKNOWN),
            (.offsetOutOfRange, RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE),
            (.invalidMessage, RD_KAFKA_RESP_ERR_INVALID_MSG),
            (.unknownTopicOrPartition, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART),
            (.leaderNotAvailable, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE),
            (.notLeaderForPartition, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION),
            (.requestTimedOut, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT),
            (.messageSizeTooLarge, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE),
            (.networkException, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION),
            (.coordinatorLoadInProgress, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS),
            (.coordinatorNotAvailable, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE),
            (.notCoordinator, RD_KAFKA_RESP_ERR_NOT_COORDINATOR),
            (.notEnoughReplicas, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS),
            (.notEnoughReplicasAfterAppend, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND),
            (.illegalGeneration, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION),
            (.unknownMemberID, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID),
            (.rebalanceInProgress, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS),
            (.topicAuthorizationFailed, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
            (.groupAuthorizationFailed, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED),
            (.topicAlreadyExists, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS),
            (.invalidPartitions, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS),
            (.invalidReplicationFactor, RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR),
            (.invalidConfig, RD_KAFKA_RESP_ERR_INVALID_CONFIG),
            (.policyViolation, RD_KAFKA_RESP_ERR_POLICY_VIOLATION),
            (.outOfOrderSequenceNumber, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER),
            (.unknownProducerID, RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID),
            (.kafkaStorageError, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR),
        ]

        /// Maps a librdkafka error code.
        init(_ err: rd_kafka_resp_err_t) {
            for (code, raw) in Code.table where raw == err {
                self = code
                return
            }
            self = .other(err.rawValue)
        }

        /// librdkafka's numeric `rd_kafka_resp_err_t` value.
        public var rawValue: Int32 {
            if case .other(let raw) = self { return raw }
            for (code, raw) in Code.table where code == self { return raw.rawValue }
            return RD_KAFKA_RESP_ERR_UNKNOWN.rawValue
        }

        var rdError: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

        /// librdkafka's symbolic name of the code, e.g. `_QUEUE_FULL` or `TOPIC_ALREADY_EXISTS`.
        public var name: String { String(cString: rd_kafka_err2name(rdError)) }

        public var description: String { name }

        /// Whether the condition is transient: the same request may succeed if retried later.
        public var isRetriableByDefault: Bool {
            switch self {
            case .localTransport, .localResolve, .localMessageTimedOut, .localAllBrokersDown, .localTimedOut,
                .localQueueFull, .leaderNotAvailable, .notLeaderForPartition, .requestTimedOut, .networkException,
                .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator, .notEnoughReplicas,
                .notEnoughReplicasAfterAppend, .rebalanceInProgress, .unknownTopicOrPartition, .kafkaStorageError:
                return true
            default:
                return false
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// librdkafka's (or the client's) human-readable explanation.
    public var message: String
    /// The client operation that failed, e.g. `produce`, `commit`, `createTopics`.
    public var operation: String?
    /// The topic involved, when there is one.
    public var topic: String?
    /// The partition involved, when there is one.
    public var partition: Int32?
    /// The same request may succeed if retried later (e.g. a broker was unreachable).
    public var isRetriable: Bool
    /// The client instance is unusable and must be recreated (e.g. an idempotent
    /// producer lost its guarantees, librdkafka raised a fatal error).
    public var isFatal: Bool

    /// Creates an error. `isRetriable` defaults from the code; `isFatal` to `code == .localFatal`.
    public init(
        code: Code,
        message: String? = nil,
        operation: String? = nil,
        topic: String? = nil,
        partition: Int32? = nil,
        isRetriable: Bool? = nil,
        isFatal: Bool? = nil
    ) {
        self.code = code
        self.message = message ?? String(cString: rd_kafka_err2str(code.rdError))
        self.operation = operation
        self.topic = topic
        self.partition = partition
        self.isRetriable = isRetriable ?? code.isRetriableByDefault
        self.isFatal = isFatal ?? (code == .localFatal)
    }

    init(_ err: rd_kafka_resp_err_t, message: String? = nil, operation: String? = nil, topic: String? = nil, partition: Int32? = nil) {
        self.init(code: Code(err), message: message, operation: operation, topic: topic, partition: partition)
    }

    /// Takes over (and destroys) a librdkafka `rd_kafka_error_t`.
    init(consuming error: OpaquePointer, operation: String? = nil, topic: String? = nil, partition: Int32? = nil) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: Code(rd_kafka_error_code(error)),
            message: String(cString: rd_kafka_error_string(error)),
            operation: operation,
            topic: topic,
            partition: partition,
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || Code(rd_kafka_error_code(error)).isRetriableByDefault,
            isFatal: rd_kafka_error_is_fatal(error) != 0
        )
    }

    /// The "already exists" outcome of topic creation, which callers may ignore.
    public var isTopicAlreadyExists: Bool { code == .topicAlreadyExists }

    public var description: String {
        var parts: [String] = []
        if let operation { parts.append(operation) }
        if let topic { parts.append(partition.map { "\(topic)[\($0)]" } ?? topic) }
        let place = parts.isEmpty ? "" : " (\(parts.joined(separator: " ")))"
        let flags = (isFatal ? ", fatal" : "") + (isRetriable ? ", retriable" : "")
        return "KafkaError \(code.name)\(place): \(message)\(flags)"
    }
}
