import Kafka

/// The domain side of a partition-parallel stage: a deterministic state machine
/// over one partition's records. The engine owns everything Kafka-facing
/// (ordering, in-flight tracking, commits, snapshots, hand-over); the processor
/// only turns records into outputs.
///
/// Contract (SPEC §8): `apply` depends only on the state and the record (never on
/// wall clock, randomness or hash order), and `snapshot()` is a deterministic
/// encoding, so restoring a snapshot taken after offset `o` and applying the
/// records after it gives exactly the state of applying all records from 0.
package protocol PartitionProcessor: Sendable {
    /// Names the state encoding and its version, e.g. `"materialize/1"`. Snapshots
    /// of another format are ignored (the partition is replayed instead).
    static var snapshotFormat: String { get }

    /// The formats a restore accepts: ``snapshotFormat`` and the older ones the
    /// processor still decodes, so an upgrade that changes the encoding restores
    /// from the snapshots the previous release wrote instead of replaying the log.
    static var readableSnapshotFormats: [String] { get }

    /// Whether the processor keeps state across records. A stateless processor is
    /// never snapshotted or replayed on assignment.
    static var isStateful: Bool { get }

    /// Applies the record at the next offset and returns its outputs in the order
    /// they must be produced. During a replay the outputs are discarded.
    mutating func apply(_ record: LogRecord) -> [OutputRecord]

    /// Encodes the state deterministically, or nil when the processor has no state
    /// encoding (its partitions are then always restored by a full replay).
    func snapshot() -> [UInt8]?

    /// What to produce instead of `output` (one of the outputs `apply` returned
    /// for `input`) when the producer refuses it as larger than `message.max.bytes`,
    /// in order. The product stages return a small DLQ record referencing `input`
    /// (the validate stage adds the skip marker a forwarded copy needs), so the
    /// input is accounted for and the partition goes on. Empty (the default): the
    /// stage fails without committing past `input`.
    func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord]

    /// Called once the state is restored, before the first record is applied while
    /// emitting: `offset` is the next offset to apply (the group's committed offset).
    /// The default does nothing.
    mutating func begin(at offset: Int64)

    /// Problems noticed while applying records since the last call (e.g. a gap in
    /// an upstream's source offsets), which the engine logs at error level and
    /// counts. Taken after each batch while emitting; those of a restore replay are
    /// dropped (the owner that emitted the records reported them). The default is none.
    mutating func takeDiagnostics() -> [ProcessorDiagnostic]

    /// Whether the engine calls ``prepare(_:)`` and ``beforeSending()`` (crypto-shredding:
    /// subject keys are loaded or acknowledged around `apply`). False by default, so
    /// stages without a master key pay no `await` per record.
    var usesKeyHooks: Bool { get }

    /// Called before a batch is applied (with an empty batch before a restore's
    /// replay): loads what `apply` needs and cannot wait for.
    func prepare(_ records: [LogRecord]) async throws

    /// Called after `apply` and before its outputs are sent: what the outputs
    /// depend on is made durable (new subject keys are acknowledged).
    func beforeSending() async throws
}

extension PartitionProcessor {
    package func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord] { [] }

    package mutating func begin(at offset: Int64) {}

    package mutating func takeDiagnostics() -> [ProcessorDiagnostic] { [] }

    package var usesKeyHooks: Bool { false }

    package func prepare(_ records: [LogRecord]) async throws {}
    package func beforeSending() async throws {}
}

extension PartitionProcessor {
    /// Only the current format, by default.
    package static var readableSnapshotFormats: [String] { [snapshotFormat] }
}
