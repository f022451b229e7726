import Synchronization

/// The log events a re-resolution derives, collected from the replayer's
/// `@Sendable` callback.
final class DerivedEvents: Sendable {
    private let storage = Mutex<[[UInt8]]>([])

    func add(_ value: [UInt8]) {
        storage.withLock { $0.append(value) }
    }

    var values: [[UInt8]] { storage.withLock { $0 } }
}
