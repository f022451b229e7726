import Kafka
import Synchronization

/// Tracks, for one input partition, which outputs are still unacknowledged and
/// so which offset may be committed (SPEC §9).
///
/// The processing task calls `begin(offset:outputs:)` for every applied input in
/// offset order *before* enqueueing that input's outputs, then the producer's
/// delivery callbacks call `acknowledge(offset:)` / `fail(offset:_:)` (on its poll thread).
/// `committableOffset` is the offset of the oldest input with outputs in flight,
/// or one past the last applied input when nothing is in flight: committing it
/// never skips an unacknowledged output.
package final class InFlightTracker: Sendable {
    struct Entry {
        var offset: Int64
        var remaining: Int
    }

    struct State {
        /// Inputs with outputs in flight, in offset order (a FIFO with a head index).
        var entries: [Entry] = []
        var head = 0
        var nextOffset: Int64
        var inFlight = 0
        var failure: KafkaError?
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Waiting for every output to be reported, failed ones included (`settle`).
        var settleWaiters: [CheckedContinuation<Void, Never>] = []

        mutating func compact() {
            while head < entries.count && entries[head].remaining == 0 { head += 1 }
            if head > 1024 && head * 2 > entries.count {
                entries.removeFirst(head)
                head = 0
            }
        }

        var committable: Int64 { head < entries.count ? entries[head].offset : nextOffset }
    }

    private let state: Mutex<State>
    private let onFailure: (@Sendable () -> Void)?

    /// Creates a tracker whose first input will be at `startOffset`.
    /// - Parameter onFailure: called once, when the first failure is recorded (on
    ///   the thread that reports it, e.g. the producer's poll thread; must not
    ///   block). The partition's loop learns of a failure this way even when no
    ///   further input arrives to find it.
    package init(startOffset: Int64, onFailure: (@Sendable () -> Void)? = nil) {
        state = Mutex(State(nextOffset: startOffset))
        self.onFailure = onFailure
    }

    /// Records that the input at `offset` was applied and will produce `outputs` records.
    package func begin(offset: Int64, outputs: Int) {
        state.withLock { state in
            state.nextOffset = offset + 1
            if outputs > 0 {
                state.entries.append(Entry(offset: offset, remaining: outputs))
                state.inFlight += outputs
            }
        }
    }

    /// One output of the input at `offset` was acknowledged.
    package func acknowledge(offset: Int64) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            // `entries[head...]` is sorted by offset (`begin` is called in offset order):
            // binary search. Acknowledgements of one input's outputs go to different
            // partitions and return out of order, so a linear scan from the head walks
            // past thousands of entries when many inputs are in flight.
            var low = state.head
            var high = state.entries.count
            while low < high {
                let middle = low + (high - low) / 2
                if state.entries[middle].offset < offset { low = middle + 1 } else { high = middle }
            }
            let index = low
            if index < state.entries.count && state.entries[index].offset == offset {
                state.entries[index].remaining -= 1
                state.inFlight -= 1
                state.compact()
            }
            return takeWaitersIfIdle(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The input at `offset`, whose outputs are being enqueued, produces `outputs`
    /// more than `begin` counted (an unsendable output replaced by several
    /// records). Call it before enqueueing them. Nothing happens when the input
    /// has no output waiting (it cannot: the replaced one is not enqueued yet).
    package func extend(offset: Int64, outputs: Int) {
        state.withLock { state in
            guard outputs > 0, let index = state.entries[state.head...].lastIndex(where: { $0.offset == offset }) else { return }
            state.entries[index].remaining += outputs
            state.inFlight += outputs
        }
    }

    /// `outputs` outputs of the input at `offset`, counted by `begin`, were never
    /// enqueued (the producer refused them): they are no longer waited for, and
    /// since they are lost, nothing at or after that input may be committed (the
    /// input stays unacknowledged).
    package func abandon(offset: Int64, outputs: Int, because error: KafkaError) {
        let (waiters, first): ([CheckedContinuation<Void, Never>], Bool) = state.withLock { state in
            if let index = state.entries[state.head...].firstIndex(where: { $0.offset == offset }) {
                state.inFlight -= min(outputs, state.entries[index].remaining)
            }
            let first = state.failure == nil
            if first { state.failure = error }
            return (takeWaitersIfIdle(&state), first)
        }
        for waiter in waiters { waiter.resume() }
        if first { onFailure?() }
    }

    /// An output of the input at `offset` failed for good: nothing at or after its
    /// input may be committed, and it is no longer in flight (so `settle()` can return), but its input stays
    /// unacknowledged, so the committable offset never passes it.
    package func fail(offset: Int64, _ error: KafkaError) {
        abandon(offset: offset, outputs: 1, because: error)
    }

    private func takeWaitersIfIdle(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        var waiters: [CheckedContinuation<Void, Never>] = []
        if state.inFlight == 0, !state.settleWaiters.isEmpty {
            waiters = state.settleWaiters
            state.settleWaiters = []
        }
        guard state.inFlight == 0 || state.failure != nil, !state.waiters.isEmpty else { return waiters }
        waiters += state.waiters
        state.waiters = []
        return waiters
    }

    /// The offset that may be committed now.
    package var committableOffset: Int64 { state.withLock { $0.committable } }

    /// Outputs not yet acknowledged.
    package var inFlight: Int { state.withLock { $0.inFlight } }

    /// The first delivery failure, if any.
    package var failure: KafkaError? { state.withLock { $0.failure } }

    /// The delivery callback for an output of the input at `offset`.
    package func callback(for offset: Int64) -> @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void {
        { [self] result in
            switch result {
            case .success: acknowledge(offset: offset)
            case .failure(let error): fail(offset: offset, error)
            }
        }
    }

    /// Waits until every enqueued output has been reported, acknowledged or failed
    /// (after a failure, before the partition's outputs are produced again: an
    /// older output still in flight must not land after its repeat's successors).
    package func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.inFlight == 0 { return true }
                state.settleWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Waits until every output is acknowledged (or one failed).
    /// - Throws: the delivery failure.
    package func drain() async throws(KafkaError) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.inFlight == 0 || state.failure != nil { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        if let failure { throw failure }
    }
}
