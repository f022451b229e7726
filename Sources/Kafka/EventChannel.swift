import Foundation

/// A single-consumer channel from the consumer's poll thread to async code.
///
/// The sending side (a dedicated poll thread, never a Swift concurrency thread)
/// blocks while more than `capacity` weight is buffered: that is the consumer's
/// backpressure. The receiving side suspends in `next()`.
///
/// `@unchecked Sendable`: every mutable property is read and written only while
/// holding `condition` (an `NSCondition`, i.e. a mutex plus condition variable).
final class EventChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [Element] = []
    private var head = 0
    private var weight = 0
    private let capacity: Int
    private let weigh: @Sendable (Element) -> Int
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Result<Element?, KafkaError>, Never>)?
    private var nextWaiterID: UInt64 = 0
    private var finished = false
    private var failure: KafkaError?
    private var interrupted = false

    init(capacity: Int, weigh: @escaping @Sendable (Element) -> Int) {
        self.capacity = max(1, capacity)
        self.weigh = weigh
    }

    /// Sends an element; blocks while the channel is over capacity. Returns false
    /// (dropping the element) when the channel is finished or `interrupt()` was called.
    @discardableResult
    func send(_ element: Element) -> Bool {
        condition.lock()
        while weight >= capacity && !finished && !interrupted && waiter == nil {
            condition.wait()
        }
        return deliverAndUnlock(element)
    }

    /// Sends an element without waiting for capacity (for rare, small signals from
    /// threads that must not block). Returns false when the channel is finished
    /// or interrupted.
    @discardableResult
    func sendWithoutWaiting(_ element: Element) -> Bool {
        condition.lock()
        return deliverAndUnlock(element)
    }

    /// Hands `element` to the waiting reader or buffers it; called holding
    /// `condition`, which it releases. False when finished or interrupted.
    private func deliverAndUnlock(_ element: Element) -> Bool {
        if finished || interrupted {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.continuation.resume(returning: .success(element))
            return true
        }
        buffer.append(element)
        weight += weigh(element)
        condition.unlock()
        return true
    }

    /// Wakes a blocked `send` and makes all further sends fail.
    func interrupt() {
        condition.lock()
        interrupted = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the stream: `next()` returns the buffered elements (unless
    /// `discardBuffered`), then nil, or throws `error`.
    func finish(error: KafkaError? = nil, discardBuffered: Bool = false) {
        condition.lock()
        if finished {
            condition.unlock()
            return
        }
        finished = true
        failure = error
        if discardBuffered {
            buffer.removeAll()
            head = 0
            weight = 0
        }
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        if let waiter {
            waiter.continuation.resume(returning: error.map { .failure($0) } ?? .success(nil))
        }
    }

    /// Rewrites the buffered elements (e.g. removes messages of revoked partitions).
    func filterBuffered(_ transform: (Element) -> Element?) {
        condition.lock()
        var kept: [Element] = []
        var newWeight = 0
        for element in buffer[head...] {
            if let element = transform(element) {
                kept.append(element)
                newWeight += weigh(element)
            }
        }
        buffer = kept
        head = 0
        weight = newWeight
        condition.broadcast()
        condition.unlock()
    }

    /// The next element, or nil when finished.
    func next() async throws(KafkaError) -> Element? {
        let id: UInt64 = {
            condition.lock()
            defer { condition.unlock() }
            nextWaiterID += 1
            return nextWaiterID
        }()
        let result: Result<Element?, KafkaError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                condition.lock()
                if head < buffer.count {
                    let element = buffer[head]
                    head += 1
                    weight -= weigh(element)
                    if head == buffer.count {
                        buffer.removeAll(keepingCapacity: true)
                        head = 0
                    } else if head > 1024 && head * 2 > buffer.count {
                        buffer.removeFirst(head)
                        head = 0
                    }
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: .success(element))
                    return
                }
                if finished {
                    let failure = self.failure
                    condition.unlock()
                    continuation.resume(returning: failure.map { .failure($0) } ?? .success(nil))
                    return
                }
                if Task.isCancelled {
                    condition.unlock()
                    continuation.resume(returning: .success(nil))
                    return
                }
                precondition(waiter == nil, "EventChannel supports a single concurrent reader")
                waiter = (id, continuation)
                condition.broadcast()  // a sender blocked on capacity may hand over directly
                condition.unlock()
            }
        } onCancel: {
            condition.lock()
            if let waiter, waiter.id == id {
                self.waiter = nil
                condition.unlock()
                waiter.continuation.resume(returning: .success(nil))
            } else {
                condition.unlock()
            }
        }
        return try result.get()
    }
}
