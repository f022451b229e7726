import Kafka
import LeadLedgerEngine
import Synchronization
import Testing

@Suite("In-flight tracker")
struct InFlightTrackerTests {
    /// Outputs of one input go to different partitions, so acknowledgements come
    /// back in any order: the committable offset is the oldest input with an
    /// output in flight, and one past the last applied input once all are acknowledged.
    @Test func committableOffsetFollowsOutOfOrderAcknowledgements() async throws {
        let tracker = InFlightTracker(startOffset: 10)
        #expect(tracker.committableOffset == 10)
        tracker.begin(offset: 10, outputs: 2)
        tracker.begin(offset: 11, outputs: 0)
        tracker.begin(offset: 12, outputs: 1)
        tracker.begin(offset: 13, outputs: 3)
        #expect(tracker.committableOffset == 10)
        #expect(tracker.inFlight == 6)

        tracker.acknowledge(offset: 13)
        tracker.acknowledge(offset: 12)
        #expect(tracker.committableOffset == 10)
        tracker.acknowledge(offset: 10)
        #expect(tracker.committableOffset == 10)
        tracker.acknowledge(offset: 10)
        #expect(tracker.committableOffset == 13)
        tracker.acknowledge(offset: 13)
        tracker.acknowledge(offset: 13)
        #expect(tracker.committableOffset == 14)
        #expect(tracker.inFlight == 0)
        try await tracker.drain()
    }

    /// The failure hook runs once, at the first failure (the partition's loop is
    /// woken once), and not for acknowledgements.
    @Test func failureHookRunsOnceAtTheFirstFailure() throws {
        let calls = Mutex(0)
        let tracker = InFlightTracker(startOffset: 0) { calls.withLock { $0 += 1 } }
        tracker.begin(offset: 0, outputs: 3)
        tracker.acknowledge(offset: 0)
        #expect(calls.withLock { $0 } == 0)
        tracker.fail(offset: 0, KafkaError(code: .localMessageTimedOut, operation: "test"))
        tracker.fail(offset: 0, KafkaError(code: .localMessageTimedOut, operation: "test"))
        #expect(calls.withLock { $0 } == 1)
        #expect(tracker.failure != nil)
        #expect(tracker.committableOffset == 0)
    }

    /// Many inputs in flight, acknowledged newest first: nothing is committable
    /// until the oldest is acknowledged; an acknowledgement for an offset that has
    /// no outputs in flight changes nothing.
    /// An unsendable output replaced by two records (DLQ record and skip marker):
    /// the input is committable only once both are acknowledged.
    @Test func extendedInputWaitsForEveryReplacement() {
        let tracker = InFlightTracker(startOffset: 4)
        tracker.begin(offset: 4, outputs: 1)
        tracker.begin(offset: 5, outputs: 1)
        tracker.extend(offset: 4, outputs: 1)
        #expect(tracker.inFlight == 3)
        tracker.acknowledge(offset: 4)
        tracker.acknowledge(offset: 5)
        #expect(tracker.committableOffset == 4)
        tracker.acknowledge(offset: 4)
        #expect(tracker.committableOffset == 6)
        #expect(tracker.inFlight == 0)
    }

    @Test func manyInputsAcknowledgedInReverse() async throws {
        let tracker = InFlightTracker(startOffset: 0)
        for offset in Int64(0)..<5000 { tracker.begin(offset: offset, outputs: offset % 3 == 0 ? 0 : 1) }
        tracker.acknowledge(offset: 3)  // offset 3 has no outputs
        #expect(tracker.inFlight == 3333)
        for offset in stride(from: Int64(4999), through: 1, by: -1) where offset % 3 != 0 {
            tracker.acknowledge(offset: offset)
            #expect(tracker.committableOffset == (offset == 1 ? 5000 : 1))
        }
        #expect(tracker.inFlight == 0)
        try await tracker.drain()
    }

    /// Outputs the producer refused were counted by `begin` but never enqueued:
    /// abandoning them lets `drain()` return (it used to wait forever), with the
    /// failure, and the committable offset stays at that input.
    @Test(.timeLimit(.minutes(5)))
    func abandonedOutputsAreNotWaitedForAndBlockTheCommit() async throws {
        let tracker = InFlightTracker(startOffset: 4)
        tracker.begin(offset: 4, outputs: 1)
        tracker.begin(offset: 5, outputs: 3)
        tracker.acknowledge(offset: 4)
        tracker.acknowledge(offset: 5)
        tracker.abandon(offset: 5, outputs: 2, because: KafkaError(code: .messageSizeTooLarge, message: "too large", operation: "produce"))
        #expect(tracker.inFlight == 0)
        #expect(tracker.committableOffset == 5)
        await #expect(throws: KafkaError.self) { try await tracker.drain() }
        await tracker.settle()
        tracker.begin(offset: 6, outputs: 1)
        tracker.acknowledge(offset: 6)
        #expect(tracker.committableOffset == 5, "an abandoned output's input is never passed")
    }

    /// A failed delivery leaves its input unacknowledged for good, but it is no
    /// longer in flight: `settle()` returns once the other outputs are reported.
    @Test(.timeLimit(.minutes(5)))
    func failedDeliveryIsSettledButNeverCommitted() async throws {
        let tracker = InFlightTracker(startOffset: 0)
        tracker.begin(offset: 0, outputs: 1)
        tracker.begin(offset: 1, outputs: 2)
        let failed = tracker.callback(for: 1)
        failed(.failure(KafkaError(code: .localMessageTimedOut, message: "timed out", operation: "produce")))
        #expect(tracker.failure != nil)
        #expect(tracker.inFlight == 2)
        tracker.acknowledge(offset: 0)
        tracker.acknowledge(offset: 1)
        await tracker.settle()
        #expect(tracker.inFlight == 0)
        #expect(tracker.committableOffset == 1)
    }
}
