import Foundation

/// A batch's byte buffer.
///
/// `@unchecked Sendable`: the consumer's poll thread writes the buffer completely
/// before the batch is published to other threads; afterwards it is only read.
final class KafkaByteStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        self.base = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity), alignment: 16)
    }

    deinit {
        base.deallocate()
    }

    static let empty = KafkaByteStorage(capacity: 0)
}
