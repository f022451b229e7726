import CRdKafka
import Logging
import Synchronization

/// The admin client's handle and leases.
///
/// `@unchecked Sendable` (inherited): mutable state is in `state` (a `Mutex`);
/// `handle`/`contextOpaque` are written once in `start` before the client is returned.
final class AdminCore: RdClientContext, @unchecked Sendable {
    struct State {
        var leases = 0
        var closing = false
        var destroyed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let state = Mutex(State())
    private(set) var handle: RdPointer?
    private var contextOpaque: UnsafeMutableRawPointer?

    func start(handle: RdPointer, contextOpaque: UnsafeMutableRawPointer) {
        self.handle = handle
        self.contextOpaque = contextOpaque
    }

    func withLease<T: Sendable>(operation: String, _ body: (RdPointer) async throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let ok = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.leases += 1
            return true
        }
        guard ok, let handle else { throw KafkaError(code: .localDestroyed, message: "the admin client is closed", operation: operation) }
        defer { releaseLease() }
        return try await body(handle)
    }

    private func releaseLease() {
        let destroyNow = state.withLock { state -> Bool in
            state.leases -= 1
            return state.closing && state.leases == 0 && !state.destroyed
        }
        if destroyNow { destroy() }
    }

    func destroyWhenIdle() {
        let destroyNow = state.withLock { state -> Bool in
            state.closing = true
            return state.leases == 0 && !state.destroyed
        }
        if destroyNow { destroy() }
    }

    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                state.closing = true
                if state.destroyed { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() } else { destroyWhenIdle() }
        }
    }

    private func destroy() {
        let proceed = state.withLock { state -> Bool in
            if state.destroyed { return false }
            state.destroyed = true
            return true
        }
        guard proceed, let handle else { return }
        // rd_kafka_destroy blocks; run it off the caller's thread.
        let contextOpaque = self.contextOpaque.map { UInt(bitPattern: $0) }
        RdKafka.blockingQueue.async { [self] in
            rd_kafka_destroy(handle.raw)
            let waiters = state.withLock { state in
                let waiters = state.waiters
                state.waiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume() }
            if let contextOpaque, let pointer = UnsafeMutableRawPointer(bitPattern: contextOpaque) {
                Unmanaged<RdClientContext>.fromOpaque(pointer).release()
            }
        }
    }

    /// Runs one admin request and waits for its result event (caller must destroy it).
    static func request(rk: OpaquePointer, timeout: Duration, _ send: (OpaquePointer?, OpaquePointer?) -> Void) throws(KafkaError)
        -> OpaquePointer
    {
        let queue = rd_kafka_queue_new(rk)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.millisecondsInt32, &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.millisecondsInt32, &errstr, errstr.count)
        send(options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeout.millisecondsInt32 + 5000) else {
            throw KafkaError(code: .localTimedOut, message: "no answer within \(timeout)", operation: "admin")
        }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) }
            rd_kafka_event_destroy(event)
            throw KafkaError(err, message: text, operation: "admin")
        }
        return event
    }
}
