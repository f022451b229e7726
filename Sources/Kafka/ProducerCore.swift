import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The producer's shared state, the poll thread and the delivery-report handling.
///
/// `@unchecked Sendable` (inherited): all mutable state is in `state` (a `Mutex`),
/// except `handle`, written once in `start` before the poll thread starts and before
/// the producer is returned to callers and only read afterwards, and
/// `deliveryTopics`, which only the poll thread touches (delivery reports are
/// served by `rd_kafka_poll`/`rd_kafka_flush` in `pollLoop`, never elsewhere).
final class ProducerCore: RdClientContext, @unchecked Sendable {
    enum Completion {
        case none
        case continuation(CheckedContinuation<Outcome, Never>)
        case callback(@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)
    }

    enum Outcome: Sendable {
        case delivered(KafkaDeliveryReport)
        case failed(KafkaError)
        case queueFull(inFlight: Int)
    }

    struct Waiter {
        var id: UInt64
        var threshold: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    struct State {
        var exited = false
        var nextID: UInt = 1
        var pending: [UInt: Completion] = [:]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var lastError: KafkaError?
        var fatalError: KafkaError?
    }

    let state = Mutex(State())
    // The per-message counters are atomics so the hot path takes no lock.
    // Ordering is sequentially consistent where two of them pair up (see `reserve`).
    let inFlight = Atomic<Int>(0)
    let activeCalls = Atomic<Int>(0)
    let closing = Atomic<Bool>(false)
    let failedFatally = Atomic<Bool>(false)
    let waiterCount = Atomic<Int>(0)
    let deliveredCount = Atomic<Int>(0)
    let failedCount = Atomic<Int>(0)

    /// Removes and returns the waiters whose condition holds (call with the state lock held).
    private func readyWaiters(_ state: inout State) -> [Waiter] {
        guard !state.waiters.isEmpty else { return [] }
        let isClosing = closing.load(ordering: .sequentiallyConsistent)
        let current = inFlight.load(ordering: .sequentiallyConsistent)
        var ready: [Waiter] = []
        state.waiters.removeAll { waiter in
            if isClosing || current <= waiter.threshold {
                ready.append(waiter)
                return true
            }
            return false
        }
        waiterCount.wrappingSubtract(ready.count, ordering: .sequentiallyConsistent)
        return ready
    }

    /// Wakes waiters whose condition now holds, if there are any.
    private func wakeWaiters() {
        guard waiterCount.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let ready = state.withLock { readyWaiters(&$0) }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }
    let window: Int
    let flushTimeout: Duration
    private(set) var handle: RdPointer?
    /// The main queue (served by `rd_kafka_poll`), kept to wake the poll thread.
    private var mainQueue: RdPointer?
    private var contextOpaque: UnsafeMutableRawPointer?
    /// Topic names by handle for delivery reports (poll thread only): a report names
    /// its topic, and converting the C string allocated once per message. Handles
    /// live until the client is destroyed, so a pointer never names another topic.
    private var deliveryTopics: [OpaquePointer: String] = [:]
    /// Topic handles by name (plus the last one used); created on first use,
    /// destroyed only by the poll thread right before the client.
    let topics = Mutex<(all: [String: RdPointer], last: (name: String, handle: RdPointer)?)>(([:], nil))

    init(logger: Logger, window: Int, flushTimeout: Duration, statisticsHandler: KafkaStatisticsHandler? = nil) {
        self.window = window
        self.flushTimeout = flushTimeout
        super.init(logger: logger, statisticsHandler: statisticsHandler)
    }

    override func clientError(_ error: KafkaError) {
        guard error.isFatal else { return }
        state.withLock { $0.fatalError = error }
        failedFatally.store(true, ordering: .sequentiallyConsistent)
    }

    func start(handle: RdPointer, contextOpaque: UnsafeMutableRawPointer) {
        self.handle = handle
        self.mainQueue = RdPointer(raw: rd_kafka_queue_get_main(handle.raw))
        self.contextOpaque = contextOpaque
        let thread = Thread { [self] in self.pollLoop() }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    var statistics: KafkaProducerStatistics {
        KafkaProducerStatistics(
            delivered: deliveredCount.load(ordering: .sequentiallyConsistent),
            failed: failedCount.load(ordering: .sequentiallyConsistent),
            inFlight: inFlight.load(ordering: .sequentiallyConsistent),
            lastError: state.withLock { $0.lastError }
        )
    }

    // MARK: enqueueing

    /// Takes a slot in the in-flight window (and marks an active librdkafka call).
    ///
    /// `activeCalls` is incremented before `closing` is checked, and the poll thread
    /// sets `closing` before it waits for `activeCalls == 0`: with sequentially
    /// consistent ordering no produce call can run after `rd_kafka_destroy` started.
    func reserve() async throws(KafkaError) {
        while !(try tryReserve()) {
            await waitForInFlight(atMost: window - 1 - window / 4)
        }
    }

    /// The synchronous part of `reserve()`: false when the window is full.
    @inline(__always)
    func tryReserve() throws(KafkaError) -> Bool {
        if failedFatally.load(ordering: .relaxed), let fatal = state.withLock({ $0.fatalError }) {
            throw fatal
        }
        let count = inFlight.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if count <= window {
            activeCalls.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if !closing.load(ordering: .sequentiallyConsistent) { return true }
            activeCalls.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            inFlight.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            wakeWaiters()
            throw KafkaError(code: .localDestroyed, message: "the producer is closed", operation: "produce")
        }
        inFlight.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        wakeWaiters()
        if closing.load(ordering: .sequentiallyConsistent) {
            throw KafkaError(code: .localDestroyed, message: "the producer is closed", operation: "produce")
        }
        return false
    }

    /// Waits until at most `threshold` messages are in flight (or the producer closes).
    /// - Returns: false on timeout.
    @discardableResult
    func waitForInFlight(atMost threshold: Int, timeout: Duration? = nil) async -> Bool {
        let id: UInt64 = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeoutTask = timeout.map { timeout in
            Task { [self] in
                try? await Task.sleep(for: timeout)
                self.cancelWaiter(id)
            }
        }
        defer { timeoutTask?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let satisfied = state.withLock { state -> Bool in
                    waiterCount.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    if closing.load(ordering: .sequentiallyConsistent) || inFlight.load(ordering: .sequentiallyConsistent) <= threshold {
                        waiterCount.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                        return true
                    }
                    state.waiters.append(Waiter(id: id, threshold: threshold, continuation: continuation))
                    return false
                }
                if satisfied { continuation.resume(returning: true) }
            }
        } onCancel: {
            self.cancelWaiter(id)
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            waiterCount.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }

    private func topicHandle(_ name: String) -> OpaquePointer? {
        guard let handle else { return nil }
        return topics.withLock { topics in
            if let last = topics.last, last.name == name { return last.handle.raw }
            if let cached = topics.all[name] {
                topics.last = (name, cached)
                return cached.raw
            }
            guard let rkt = rd_kafka_topic_new(handle.raw, name, nil) else { return nil }
            topics.all[name] = RdPointer(raw: rkt)
            topics.last = (name, RdPointer(raw: rkt))
            return rkt
        }
    }

    /// Produces a message after `reserve()`. Returns nil when enqueued; otherwise
    /// the slot is released and the outcome returned (and also given to a
    /// continuation completion, so `send` never hangs).
    @discardableResult
    func produceReserved(_ message: KafkaProducerMessage, completion: Completion) -> Outcome? {
        var id: UInt = 0
        if case .none = completion {
        } else {
            id = state.withLock { state in
                let id = state.nextID
                state.nextID &+= 1
                if state.nextID == 0 { state.nextID = 1 }
                state.pending[id] = completion
                return id
            }
        }
        let error = produce(message, opaque: UnsafeMutableRawPointer(bitPattern: id))
        activeCalls.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        guard let error else { return nil }
        if id != 0 { state.withLock { _ = $0.pending.removeValue(forKey: id) } }
        let inFlight = self.inFlight.wrappingSubtract(1, ordering: .sequentiallyConsistent).newValue
        wakeWaiters()
        let outcome: Outcome = error.code == .localQueueFull ? .queueFull(inFlight: inFlight + 1) : .failed(error)
        if case .continuation(let continuation) = completion { continuation.resume(returning: outcome) }
        return outcome
    }

    private func produce(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer?) -> KafkaError? {
        guard let handle, let rkt = topicHandle(message.topic) else {
            return KafkaError(
                code: .localInvalidArgument, message: "cannot create topic handle", operation: "produce", topic: message.topic)
        }
        var headers: OpaquePointer? = nil
        if !message.headers.isEmpty {
            let list = rd_kafka_headers_new(message.headers.count)!
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
                }
            }
            headers = list
        }
        let error: OpaquePointer? = message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
                    var count = 0
                    func add(_ configure: (inout rd_kafka_vu_t) -> Void) {
                        var vu = rd_kafka_vu_t()
                        configure(&vu)
                        vus.initializeElement(at: count, to: vu)
                        count += 1
                    }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_RKT
                        $0.u.rkt = rkt
                    }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_PARTITION
                        $0.u.i32 = message.partition ?? -1
                    }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                        $0.u.i = RD_KAFKA_MSG_F_COPY
                    }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_VALUE
                        $0.u.mem.ptr = value.count == 0 ? nil : UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.u.mem.size = value.count
                    }
                    if let key {
                        add {
                            $0.vtype = RD_KAFKA_VTYPE_KEY
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.u.mem.size = key.count
                        }
                    }
                    if let headers {
                        add {
                            $0.vtype = RD_KAFKA_VTYPE_HEADERS
                            $0.u.headers = headers
                        }
                    }
                    if let ts = message.timestampMilliseconds {
                        add {
                            $0.vtype = RD_KAFKA_VTYPE_TIMESTAMP
                            $0.u.i64 = ts
                        }
                    }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_OPAQUE
                        $0.u.ptr = opaque
                    }
                    return rd_kafka_produceva(handle.raw, vus.baseAddress, count)
                }
            }
        }
        guard let error else { return nil }
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError(consuming: error, operation: "produce", topic: message.topic, partition: message.partition)
    }

    // MARK: delivery reports (poll thread)

    private func deliveryTopicName(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        if let name = deliveryTopics[rkt] { return name }
        let name = String(cString: rd_kafka_topic_name(rkt))
        deliveryTopics[rkt] = name
        return name
    }

    func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
        let msg = message.pointee
        let id = UInt(bitPattern: msg._private)
        let ok = msg.err == RD_KAFKA_RESP_ERR_NO_ERROR
        if ok {
            deliveredCount.wrappingAdd(1, ordering: .relaxed)
        } else {
            failedCount.wrappingAdd(1, ordering: .relaxed)
        }
        var failure: KafkaError? = nil
        if !ok {
            // The producer's own error text: `rd_kafka_message_errstr` returns a produced
            // message's payload (read as a C string) and must not be used with a producer.
            let text = rd_kafka_message_produce_errstr(message).map { String(cString: $0) }
            let error = KafkaError(
                msg.err, message: text, operation: "delivery", topic: String(cString: rd_kafka_topic_name(msg.rkt)),
                partition: msg.partition)
            failure = error
            state.withLock { $0.lastError = error }
            logger.debug("delivery failed: \(error)")
        }
        // Completions of `send` and callbacks; fire-and-forget messages (id 0) have none.
        if id != 0 {
            let completion = state.withLock { $0.pending.removeValue(forKey: id) } ?? .none
            let outcome: Outcome =
                failure.map { .failed($0) }
                ?? .delivered(KafkaDeliveryReport(topic: deliveryTopicName(msg.rkt), partition: msg.partition, offset: msg.offset))
            switch completion {
            case .none: break
            case .continuation(let continuation): continuation.resume(returning: outcome)
            case .callback(let callback):
                switch outcome {
                case .delivered(let report): callback(.success(report))
                case .failed(let error): callback(.failure(error))
                case .queueFull: break
                }
            }
        }
        inFlight.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        wakeWaiters()
    }

    // MARK: lifecycle

    func beginClose() {
        // Counted as an active call: once `closing` is set the poll thread may flush
        // and destroy the main queue at any moment, and it waits for active calls
        // first, so the wake-up below never touches a destroyed queue.
        activeCalls.wrappingAdd(1, ordering: .sequentiallyConsistent)
        defer { activeCalls.wrappingSubtract(1, ordering: .sequentiallyConsistent) }
        let wasClosing = closing.exchange(true, ordering: .sequentiallyConsistent)
        let ready = state.withLock { readyWaiters(&$0) }
        for waiter in ready { waiter.continuation.resume(returning: true) }
        if !wasClosing, let mainQueue { rd_kafka_queue_yield(mainQueue.raw) }
    }

    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.exited { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    private func pollLoop() {
        guard let handle else { return }
        let rk = handle.raw
        while !closing.load(ordering: .sequentiallyConsistent) {
            rd_kafka_poll(rk, 1000)
        }
        // Shutdown: no new messages are accepted (closing). Flush, then purge the rest.
        let flushResult = rd_kafka_flush(rk, flushTimeout.millisecondsInt32)
        if flushResult != RD_KAFKA_RESP_ERR_NO_ERROR {
            let left = rd_kafka_outq_len(rk)
            logger.warning("producer shutdown: \(left) messages not delivered within \(flushTimeout); purging them")
            rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Purged messages get their (failed) delivery reports on the next polls.
            let deadline = ContinuousClock.now + .seconds(2)
            while inFlight.load(ordering: .sequentiallyConsistent) > 0 && ContinuousClock.now < deadline {
                rd_kafka_poll(rk, 50)
            }
        }
        // Wait for produce calls that passed `reserve()` before `closing` was set.
        while activeCalls.load(ordering: .sequentiallyConsistent) > 0 {
            rd_kafka_poll(rk, 1)
        }
        for topic in topics.withLock({ Array($0.all.values) }) {
            rd_kafka_topic_destroy(topic.raw)
        }
        if let mainQueue { rd_kafka_queue_destroy(mainQueue.raw) }
        rd_kafka_destroy(rk)
        let (pending, exitWaiters) = state.withLock { state in
            state.exited = true
            let pending = state.pending
            state.pending = [:]
            let waiters = state.exitWaiters
            state.exitWaiters = []
            return (pending, waiters)
        }
        let destroyed = KafkaError(
            code: .localDestroyed, message: "the producer was closed before the delivery report arrived", operation: "delivery")
        for (_, completion) in pending {
            switch completion {
            case .none: break
            case .continuation(let continuation): continuation.resume(returning: .failed(destroyed))
            case .callback(let callback): callback(.failure(destroyed))
            }
        }
        for waiter in exitWaiters { waiter.resume() }
        if let contextOpaque { Unmanaged<RdClientContext>.fromOpaque(contextOpaque).release() }
    }
}
