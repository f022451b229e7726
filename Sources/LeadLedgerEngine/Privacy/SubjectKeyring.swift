import Crypto
import Foundation
import Kafka
import LeadLedgerCore
import Logging
import Synchronization

/// The per-subject keys of crypto-shredding (SPEC §12), shared by the stages of
/// one process: the local cache of the compacted topic `leadledger.keys`.
///
/// - The identity step asks ``key(for:)`` for each lead whose personal fields it
///   seals. A subject without a key gets a fresh random AES-256 key, wrapped with
///   the master key and queued; ``flush(producer:)`` sends the queued records and
///   waits for the broker's acknowledgement, and the engine calls it before it
///   sends any record the new key sealed (`PartitionProcessor.beforeSending()`).
/// - An erasure (``erase(_:)``) drops the key from the cache at once, marks the
///   subject erased (no key is ever issued to it again) and queues the key's
///   tombstone and an `erased/` marker.
/// - The materialize stage and the tools open sealed fields with ``openingKey(for:)``;
///   a stage of another process learns new keys by ``refresh(reader:)`` (the
///   engine calls it before applying a batch that names an unknown subject).
///
/// Keys are random, not derived: a derived key could be derived again after the
/// erasure, and deleting it would erase nothing.
package final class SubjectKeyring: Sendable {
    /// The compacted topic of wrapped subject keys.
    package static let defaultTopic = "leadledger.keys"

    /// The topic.
    package let topic: String
    let master: MasterKey
    /// Called when the identity step erases a subject that was not erased before
    /// (its older snapshots hold the subject's identifiers: the engine deletes them).
    let onNewErasure: Mutex<(@Sendable () -> Void)?> = Mutex(nil)

    struct State {
        /// Raw subject keys (`SymmetricKey` is not `Sendable`).
        var keys: [LeadID: [UInt8]] = [:]
        var erased: Set<LeadID> = []
        /// Leads merged into each survivor (erased with it).
        var absorbed: [LeadID: Set<LeadID>] = [:]
        var pending: [SubjectKeyRecord] = []
        /// The next offset to read, per partition of the topic.
        var next: [Int32: Int64] = [:]
    }
    let state = Mutex(State())

    /// Creates an empty keyring for `topic`.
    package init(master: MasterKey, topic: String = SubjectKeyring.defaultTopic) {
        self.master = master
        self.topic = topic
    }

    /// Sets the erasure callback (see ``onNewErasure``).
    package func whenNewErasure(_ body: @escaping @Sendable () -> Void) {
        onNewErasure.withLock { $0 = body }
    }

    /// The key sealing `subject`'s fields; creates (and queues) one when the
    /// subject has none. Nil for an erased subject: its fields are written as
    /// ``PersonalDataSealer/erasedText``.
    package func key(for subject: LeadID) -> SymmetricKey? {
        let wrapping = master.wrappingKey
        let raw: [UInt8]? = state.withLock { s in
            if let key = s.keys[subject] { return key }
            if s.erased.contains(subject) { return nil }
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            // Sealing with a fresh random nonce cannot fail for a 256-bit key.
            let wrapped = (try? AES.GCM.seal(key, using: wrapping).combined).map { Array($0) } ?? []
            s.keys[subject] = key
            s.pending.append(.key(subject, wrapped: wrapped))
            return key
        }
        return raw.map { SymmetricKey(data: $0) }
    }

    /// The key that opens `subject`'s fields, nil when it is unknown or erased.
    package func openingKey(for subject: LeadID) -> SymmetricKey? {
        state.withLock { $0.keys[subject] }.map { SymmetricKey(data: $0) }
    }

    /// Whether `subject` was erased.
    package func isErased(_ subject: LeadID) -> Bool {
        state.withLock { $0.erased.contains(subject) }
    }

    /// Whether `subject` has no known key and is not erased (a refresh may find its key).
    package func isUnknown(_ subject: LeadID) -> Bool {
        state.withLock { $0.keys[subject] == nil && !$0.erased.contains(subject) }
    }

    /// Forgets `subject`'s key in this process at once and queues its tombstone
    /// and erased marker (sent by the next ``flush(producer:)``).
    /// Leads merged into `subject` (directly or through other merges) are erased with it.
    package func erase(_ subject: LeadID) {
        let isNew = state.withLock { s in
            var isNew = false
            var todo = [subject]
            var seen: Set<LeadID> = []
            while let id = todo.popLast() {
                guard seen.insert(id).inserted else { continue }
                todo += (s.absorbed[id] ?? []).sorted()
                s.keys[id] = nil
                guard s.erased.insert(id).inserted else { continue }
                s.pending.append(.tombstone(id))
                s.pending.append(.erasedMarker(id))
                isNew = true
            }
            return isNew
        }
        if isNew, let body = onNewErasure.withLock({ $0 }) { body() }
    }

    /// Records that the identity step merged `absorbed` into `survivor` (queued
    /// for the topic the first time), so erasing the survivor erases both keys.
    package func merged(_ absorbed: LeadID, into survivor: LeadID) {
        state.withLock { s in
            guard s.absorbed[survivor, default: []].insert(absorbed).inserted else { return }
            s.pending.append(.merged(absorbed, into: survivor))
        }
    }

    /// Tells the keyring that the materialize stage applied `subject`'s erasure:
    /// its key and those of the leads merged into it leave this process's cache,
    /// also when another process erased them and no refresh has seen the tombstones yet.
    package func erasureApplied(_ subject: LeadID) {
        state.withLock { s in
            var todo = [subject]
            while let id = todo.popLast() {
                guard s.erased.insert(id).inserted || s.keys[id] != nil else { continue }
                s.keys[id] = nil
                todo += (s.absorbed[id] ?? []).sorted()
            }
        }
    }

    /// The producer ``flushPending()`` sends through.
    let producer: Mutex<KafkaProducer?> = Mutex(nil)

    /// Sets the producer of ``flushPending()``.
    package func attach(producer: KafkaProducer) {
        self.producer.withLock { $0 = producer }
    }

    /// ``flush(producer:)`` through the attached producer (nothing without one or with nothing queued).
    package func flushPending() async throws(EngineError) {
        guard hasPending, let producer = producer.withLock({ $0 }) else { return }
        try await flush(producer: producer)
    }

    /// Whether records wait for ``flush(producer:)``.
    package var hasPending: Bool { state.withLock { !$0.pending.isEmpty } }

    /// Sends the queued key records and waits until the broker acknowledged each.
    /// - Throws: `subject_key` when one is not acknowledged (the stage then fails
    ///   and restarts the partition: nothing sealed with the key was sent).
    package func flush(producer: KafkaProducer) async throws(EngineError) {
        let records = state.withLock { s in
            defer { s.pending.removeAll() }
            return s.pending
        }
        for record in records {
            do {
                _ = try await producer.send(
                    KafkaProducerMessage(topic: topic, partition: 0, key: Array(record.key.utf8), value: record.value))
            } catch {
                // Queue it again: a restarted partition flushes before it sends anything.
                state.withLock { $0.pending.insert(record, at: 0) }
                throw EngineError(.subjectKey, context: topic, "the broker did not acknowledge a subject key record: \(error)")
            }
        }
    }

    /// Reads the topic's records written since the last read (all of it the first time).
    package func refresh(reader: LogReader) async throws(EngineError) {
        let from = state.withLock { $0.next[0] ?? 0 }
        var records: [LogRecord] = []
        let end: Int64
        do {
            end = try await reader.read(topic: topic, partition: 0, from: from, to: nil) { records.append(contentsOf: $0) }
        } catch {
            throw EngineError(.subjectKey, context: topic, "cannot read the subject keys: \(error)")
        }
        let wrapping = master.wrappingKey
        state.withLock { s in
            for record in records {
                guard let decoded = SubjectKeyRecord(key: record.key, value: record.value) else { continue }
                switch decoded {
                case .key(let id, let wrapped):
                    guard !s.erased.contains(id), s.keys[id] == nil,
                        let box = try? AES.GCM.SealedBox(combined: wrapped),
                        let raw = try? AES.GCM.open(box, using: wrapping)
                    else { continue }
                    s.keys[id] = Array(raw)
                case .merged(let id, let survivor):
                    s.absorbed[survivor, default: []].insert(id)
                case .tombstone(let id), .erasedMarker(let id):
                    s.keys[id] = nil
                    s.erased.insert(id)
                }
            }
            s.next[0] = max(end, s.next[0] ?? 0)
        }
    }

    /// Creates the topic (one partition, compacted, kept forever) when it is missing.
    package static func ensureTopic(_ topic: String, admin: KafkaAdminClient, replicationFactor: Int16) async throws(EngineError) {
        do {
            let existing = Set(try await admin.listTopics().map(\.name))
            if existing.contains(topic) { return }
            let results = try await admin.createTopics([
                KafkaNewTopic(
                    name: topic, partitions: 1, replicationFactor: replicationFactor,
                    configs: ["cleanup.policy": "compact", "retention.ms": "-1", "max.compaction.lag.ms": "86400000"])
            ])
            if let error = results[topic] ?? nil, error.code != .topicAlreadyExists {
                throw EngineError(.topicSetup, context: topic, "cannot create: \(error)")
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.topicSetup, context: topic, "cannot create: \(error)")
        }
    }
}
