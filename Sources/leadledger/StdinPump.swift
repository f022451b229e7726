import ArgumentParser
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// Reads stdin on its own thread (a blocking read must not hold a Swift
/// concurrency thread) and enqueues each line; flushes at the end of input.
struct StdinPump: Service {
    let producer: KafkaProducer
    let topic: String
    let partition: Int32?
    let keySeparator: String?
    let headers: [KafkaHeader]

    func run() async throws {
        let (lines, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        let reader = Thread {
            while let line = readLine(strippingNewline: true) {
                continuation.yield(line)
            }
            continuation.finish()
        }
        reader.start()
        for await line in lines.cancelOnGracefulShutdown() {
            var key: [UInt8]? = nil
            var value = Array(line.utf8)
            if let keySeparator, let range = line.range(of: keySeparator) {
                key = Array(line[..<range.lowerBound].utf8)
                value = Array(line[range.upperBound...].utf8)
            }
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: partition, key: key, value: value, headers: headers))
        }
        try await producer.flush(timeout: .seconds(60))
    }
}
