import Foundation

/// The key or value bytes of a consumed message.
///
/// The consumer copies each fetched batch into one buffer; the messages of the
/// batch are views into it (one allocation per batch instead of one per message).
/// `KafkaBytes` is an immutable `RandomAccessCollection` of `UInt8`: use it as a
/// collection, through `withUnsafeBytes`, or copy it out with `Array(bytes)`.
public struct KafkaBytes: RandomAccessCollection, Sendable, Hashable, CustomStringConvertible {
    public typealias Element = UInt8
    public typealias Index = Int

    let storage: KafkaByteStorage
    let offset: Int
    /// Number of bytes.
    public let count: Int

    init(storage: KafkaByteStorage, offset: Int, count: Int) {
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// Copies bytes into a new buffer of their own.
    public init(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        let storage = KafkaByteStorage(capacity: array.count)
        array.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.base.copyMemory(from: base, byteCount: source.count) }
        }
        self.init(storage: storage, offset: 0, count: array.count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "KafkaBytes index out of range")
        return storage.base.load(fromByteOffset: offset + position, as: UInt8.self)
    }

    /// Calls `body` with the bytes; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.base + offset, count: count))
        }
    }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: (storage.base + offset).assumingMemoryBound(to: UInt8.self), count: count))
        }
    }

    /// The bytes as an array (a copy: one allocation and one `memcpy`; `Array(bytes)`
    /// would copy through the generic collection path, one subscript per byte).
    public var array: [UInt8] {
        guard count > 0 else { return [] }
        return withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = source.count
            }
        }
    }

    public static func == (lhs: KafkaBytes, rhs: KafkaBytes) -> Bool {
        lhs.count == rhs.count
            && lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.count == 0 || memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
            }
    }

    /// Compares with an array of bytes.
    public static func == (lhs: KafkaBytes, rhs: [UInt8]) -> Bool {
        lhs.count == rhs.count
            && lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.count == 0 || memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
            }
    }

    /// Compares with an array of bytes.
    public static func != (lhs: KafkaBytes, rhs: [UInt8]) -> Bool { !(lhs == rhs) }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The bytes decoded as UTF-8 (invalid sequences replaced).
    public var description: String { String(decoding: self, as: UTF8.self) }
}
