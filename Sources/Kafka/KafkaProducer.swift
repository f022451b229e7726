import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A Kafka producer over librdkafka.
///
/// - `send(_:)` suspends until the broker acknowledged the message and returns
///   its partition and offset (or throws a `KafkaError`).
/// - `enqueue(_:onDelivery:)` is the fast path: it returns once librdkafka took
///   the message; its outcome arrives in the optional callback (on the producer's
///   poll thread: keep it short), in `statistics`, and `flush(timeout:)` waits for all.
///   At most `maxInFlightMessages` are outstanding: `enqueue` suspends beyond that.
/// - When librdkafka's queue is full (`.localQueueFull`) both wait for delivery
///   reports and retry; messages are never dropped.
/// - Idempotence is on by default. `close()` (or graceful shutdown when run as a
///   `Service`) flushes for up to `shutdownFlushTimeout`, then purges what is left
///   (those messages fail with `.localPurgeQueue`/`.localPurgeInflight`) and destroys
///   the client, so shutdown is bounded even when the broker is gone.
///
/// A dedicated thread blocks in `rd_kafka_poll` to serve delivery reports; an idle
/// producer uses no CPU.
public final class KafkaProducer: Service, Sendable {
    private let core: ProducerCore
    private let configuration: KafkaProducerConfiguration

    /// Creates a producer and starts its poll thread.
    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "kafka.producer")) throws(KafkaError) {
        self.configuration = configuration
        let core = ProducerCore(
            logger: logger, window: max(1, configuration.maxInFlightMessages), flushTimeout: configuration.shutdownFlushTimeout,
            statisticsHandler: configuration.client.statisticsHandler)
        let opaque = Unmanaged.passRetained(core as RdClientContext).toOpaque()
        let rk: OpaquePointer
        do {
            let conf = try RdKafka.makeConf(configuration.rdProperties, context: opaque)
            rd_kafka_conf_set_dr_msg_cb(conf, producerDeliveryCallback)
            rk = try RdKafka.makeHandle(type: RD_KAFKA_PRODUCER, conf: conf, properties: configuration.rdProperties)
        } catch {
            Unmanaged<RdClientContext>.fromOpaque(opaque).release()
            throw error
        }
        core.start(handle: RdPointer(raw: rk), contextOpaque: opaque)
        self.core = core
    }

    deinit {
        core.beginClose()
    }

    /// Produces a message and waits for the broker's acknowledgement.
    /// - Returns: the partition and offset the message was written at.
    /// - Throws: `KafkaError`, e.g. `.localMessageTimedOut` when the broker stayed
    ///   unreachable for `messageTimeout`, or `.localDestroyed` after `close()`.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        while true {
            try await core.reserve()
            let outcome: ProducerCore.Outcome = await withCheckedContinuation { continuation in
                core.produceReserved(message, completion: .continuation(continuation))
            }
            switch outcome {
            case .delivered(let report): return report
            case .failed(let error): throw error
            case .queueFull(let inFlight): await core.waitForInFlight(atMost: inFlight * 3 / 4)
            }
        }
    }

    /// Fast path: enqueues a message and returns as soon as librdkafka holds it.
    ///
    /// Suspends only while `maxInFlightMessages` are outstanding or librdkafka's
    /// queue is full. The delivery outcome goes to `onDelivery` (called on the poll
    /// thread), to `statistics`, and is awaited in bulk by `flush(timeout:)`.
    /// - Throws: `KafkaError` when the message cannot be enqueued at all (unknown
    ///   partition, message too large, producer closed or fatally failed).
    public func enqueue(
        _ message: KafkaProducerMessage,
        onDelivery: (@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)? = nil
    ) async throws(KafkaError) {
        while true {
            // Fast path without a suspension point; wait only when the window is full.
            if !(try core.tryReserve()) { try await core.reserve() }
            let completion: ProducerCore.Completion = onDelivery.map { .callback($0) } ?? .none
            switch core.produceReserved(message, completion: completion) {
            case nil: return
            case .failed(let error)?: throw error
            case .queueFull(let inFlight)?: await core.waitForInFlight(atMost: inFlight * 3 / 4)
            case .delivered?: return
            }
        }
    }

    /// Synchronous fast path of `enqueue(_:onDelivery:)`: enqueues when the
    /// in-flight window has room and librdkafka's queue takes the message, without
    /// a suspension point. Callers on an actor use it to avoid two executor hops
    /// per message (a nonisolated `async` call leaves the actor and comes back).
    /// - Returns: false when nothing was enqueued because the window or
    ///   librdkafka's queue is full; then call `enqueue(_:onDelivery:)`, which waits.
    /// - Throws: like `enqueue(_:onDelivery:)`.
    public func tryEnqueue(
        _ message: KafkaProducerMessage,
        onDelivery: (@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)? = nil
    ) throws(KafkaError) -> Bool {
        guard try core.tryReserve() else { return false }
        let completion: ProducerCore.Completion = onDelivery.map { .callback($0) } ?? .none
        switch core.produceReserved(message, completion: completion) {
        case nil, .delivered?: return true
        case .failed(let error)?: throw error
        case .queueFull?: return false
        }
    }

    /// Waits until every enqueued message has been reported (acknowledged or failed).
    /// - Throws: `.localTimedOut` if messages are still outstanding after `timeout`.
    public func flush(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let done = await core.waitForInFlight(atMost: 0, timeout: timeout)
        if !done {
            throw KafkaError(
                code: .localTimedOut, message: "\(core.statistics.inFlight) messages still in flight after \(timeout)", operation: "flush")
        }
    }

    /// Delivery counters.
    public var statistics: KafkaProducerStatistics { core.statistics }

    /// Flushes (up to `shutdownFlushTimeout`), purges what is left, and destroys the
    /// client. Idempotent; returns when the client is destroyed.
    public func close() async {
        core.beginClose()
        await core.waitForExit()
    }

    /// `Service`: runs until graceful shutdown (or cancellation), then `close()`s.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await core.waitForExit()
            } onGracefulShutdown: {
                self.core.beginClose()
            }
        } onCancel: {
            self.core.beginClose()
        }
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

/// `dr_msg_cb`: called on the poll thread for every message.
private let producerDeliveryCallback:
    @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = { _, message, opaque in
        guard let message, let context = RdClientContext.from(opaque) else { return }
        let core = unsafeDowncast(context, to: ProducerCore.self)
        core.delivered(message)
    }
