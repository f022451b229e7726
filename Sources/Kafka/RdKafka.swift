import CRdKafka
import Dispatch
import Logging

enum RdKafka {
    /// Runs blocking librdkafka calls (sync commits, metadata, watermark queries)
    /// off the Swift concurrency pool.
    static let blockingQueue = DispatchQueue(label: "leadledger.kafka.blocking", attributes: .concurrent)

    static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            blockingQueue.async {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Builds an `rd_kafka_conf_t` from properties, with the log and error
    /// callbacks routed to swift-log through `context`.
    static func makeConf(_ properties: [(String, String)], context: UnsafeMutableRawPointer) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // The key only: values are often secrets (passwords, keys, JAAS lines),
                // and librdkafka's own message quotes a rejected value.
                throw KafkaError(
                    code: .localInvalidArgument, message: "property \(key) rejected: \(redacting(value, in: cString(errstr)))",
                    operation: "configure")
            }
        }
        rd_kafka_conf_set_opaque(conf, context)
        rd_kafka_conf_set_log_cb(conf, rdLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdErrorCallback)
        if RdClientContext.from(context)?.statisticsHandler != nil {
            rd_kafka_conf_set_stats_cb(conf, rdStatisticsCallback)
        }
        return conf
    }

    /// `message` with every occurrence of `value` replaced by `***`.
    static func redacting(_ value: String, in message: String) -> String {
        value.isEmpty ? message : message.replacing(value, with: "***")
    }

    /// Creates a client handle; takes ownership of `conf`. librdkafka's message
    /// for a configuration it refuses here can quote a value (`Unsupported SASL
    /// mechanism: <value>`): every configured value it quotes is replaced by the
    /// property's name, since values are often secrets.
    static func makeHandle(type: rd_kafka_type_t, conf: OpaquePointer, properties: [(String, String)]) throws(KafkaError)
        -> OpaquePointer
    {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            var message = cString(errstr)
            // Longest values first, so a value containing another is replaced whole.
            for (key, value) in properties.sorted(by: { $0.1.count > $1.1.count }) where value.count >= 3 && message.contains(value) {
                message = message.replacing(value, with: "<the value of \(key)>")
            }
            throw KafkaError(code: .localInvalidArgument, message: message, operation: "create client")
        }
        return rk
    }

    /// A new `rd_kafka_topic_partition_list_t` the caller must destroy.
    static func makeList(_ entries: [KafkaTopicPartitionOffset]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: entries.count))!
        for entry in entries {
            let element = rd_kafka_topic_partition_list_add(list, entry.topicPartition.topic, entry.topicPartition.partition)!
            element.pointee.offset = entry.offset.rawValue
        }
        return list
    }

    static func makeList(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        makeList(partitions.map { KafkaTopicPartitionOffset($0, offset: .stored) })
    }

    struct ListEntry {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    static func entries(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [ListEntry] {
        guard let list else { return [] }
        var result: [ListEntry] = []
        result.reserveCapacity(Int(list.pointee.cnt))
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            result.append(
                ListEntry(
                    topicPartition: KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                    offset: element.offset,
                    error: element.err
                ))
        }
        return result
    }

    /// Throws the first per-partition error of a list, if any.
    static func checkList(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>, operation: String) throws(KafkaError) {
        for entry in entries(of: list) where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                entry.error, operation: operation, topic: entry.topicPartition.topic, partition: entry.topicPartition.partition)
        }
    }
}

/// librdkafka log lines → swift-log (called from librdkafka's internal threads).
private let rdLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, buffer in
    guard let rk, let context = RdClientContext.from(rd_kafka_opaque(rk)) else { return }
    let fac = facility.map { String(cString: $0) } ?? ""
    let text = buffer.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level
    switch level {
    case ...3: swiftLevel = .error
    case 4: swiftLevel = .warning
    case 5, 6: swiftLevel = .info
    default: swiftLevel = .debug
    }
    context.logger.log(level: swiftLevel, "\(text)", metadata: ["rdkafka.facility": "\(fac)"])
}

/// Client-level errors (broker down, authentication, fatal errors).
private let rdErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, opaque in
    guard let context = RdClientContext.from(opaque) else { return }
    let error = KafkaError(rd_kafka_resp_err_t(rawValue: err), message: reason.map { String(cString: $0) }, operation: "client")
    if error.code == .localFatal, let rk {
        var buffer = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(rk, &buffer, buffer.count)
        context.logger.critical("fatal librdkafka error \(KafkaError.Code(fatal).name): \(cString(buffer))")
        context.clientError(KafkaError(code: KafkaError.Code(fatal), message: cString(buffer), operation: "client", isFatal: true))
        return
    }
    // Transport errors and "all brokers down" are retried by librdkafka itself.
    context.logger.warning("\(error)")
    context.clientError(error)
}

/// librdkafka's statistics JSON → the client's handler. Returning 0 lets librdkafka
/// free the buffer.
private let rdStatisticsCallback: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, json, length, opaque in
    guard let json, let context = RdClientContext.from(opaque), let handler = context.statisticsHandler else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: json, count: length)
    handler(Array(bytes))
    return 0
}

/// A Swift string from a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
