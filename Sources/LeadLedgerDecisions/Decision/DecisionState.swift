import Foundation
import LeadLedgerCore

/// Mutable decision state of ONE log partition: previous decision and
/// hysteresis tier per lead, decayed activity, round-robin counters, owner
/// loads, SLA timers (in a sorted list), the event-time watermark and, per
/// account, the signature of its inputs at its last contact fan-out (see
/// `AccountFanOut.swift`). Overrides are read from the ledger's projection
/// and recorded per lead as ``LeadDecision/overridden``.
///
/// Equality compares the state only. ``snapshotBytes()`` is a pure function of
/// the state (``snapshotFormatVersion``, every map written in sorted key
/// order), and `init(snapshot:)` restores an equal state.
package struct DecisionState: Sendable, Equatable {
    /// Highest event time applied so far (epoch ms); `Int64.min` before the first event.
    package internal(set) var watermark: Int64 = .min
    /// Per-lead state.
    package internal(set) var leads = LeadStateTable()
    /// Smooth weighted round-robin current weights, key `territory \u{1F} owner`.
    package internal(set) var roundRobin: [String: Int64] = [:]
    /// Open routes per owner that count against capacity.
    package internal(set) var ownerLoad: [String: Int] = [:]
    /// Running SLA timers, sorted by (deadline, lead).
    var timers: [SLATimer] = []
    /// Per account: the signature of its account inputs when an account change
    /// last re-decided all its contacts (``AccountSignals/signature(seed:firstOpenOpportunity:hierarchyNeighbor:)``).
    var accountSignatures: [AccountID: UInt64] = [:]
    /// Reusable scoring buffers: not state (always equal, never snapshotted).
    var scratch = Scratch()

    /// An empty state.
    package init() {}

    /// Number of running SLA timers.
    package var runningTimers: Int { timers.count }

    mutating func addTimer(_ t: SLATimer) {
        var lo = 0
        var hi = timers.count
        while lo < hi {
            let m = (lo + hi) / 2
            if timers[m] < t { lo = m + 1 } else { hi = m }
        }
        timers.insert(t, at: lo)
    }

    mutating func removeTimer(lead: LeadID, deadline: Int64) {
        // Binary search: the timers are sorted by (deadline, lead) and unique.
        let t = SLATimer(deadline: deadline, lead: lead)
        var lo = 0
        var hi = timers.count
        while lo < hi {
            let m = (lo + hi) / 2
            if timers[m] < t { lo = m + 1 } else { hi = m }
        }
        if lo < timers.count, timers[lo] == t { timers.remove(at: lo) }
    }

    // MARK: Snapshot

    /// Snapshot format version, in the envelope every snapshot shares
    /// (``SnapshotEnvelope``, type ``SnapshotTag/decisionState``): 5 writes with
    /// the shared snapshot codec (little-endian, varints, the envelope's length
    /// and CRC-32). Version 4 (big-endian, magic `LLDS`, 16 activity counters per
    /// lead) is still read, so an upgrade restores from the previous release's
    /// snapshots (`init(legacySnapshot:)`). Older formats (1: per-lead audit ids;
    /// 2: no account fan-out signatures; 3: 13 counters) are refused: the engine
    /// then replays instead of continuing from them.
    package static let snapshotFormatVersion: UInt32 = 5

    /// The least a lead takes in a snapshot: id, activity time, counters, decision flag.
    static let minimumLeadBytes = 8 + 1 + LeadActivity.fieldCount * 8 + 1

    /// Deterministic binary snapshot of the state: every map in sorted key order.
    package func snapshotBytes() -> [UInt8] {
        var w = SnapshotEnvelope.begin(
            tag: .decisionState, version: Self.snapshotFormatVersion, capacity: 64 + leads.count * Self.minimumLeadBytes * 2)
        w.time(watermark)
        w.varint(leads.count)
        for (id, slot) in leads.sortedSlots() {
            let s = leads[slot: slot]
            w.u64(id.raw)
            w.time(s.activity.time)
            for i in 0..<LeadActivity.fieldCount { w.f64(s.activity.value(i)) }
            guard let d = s.decision else {
                w.bool(false)
                continue
            }
            w.bool(true)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecisionID.textLength) { text in
                d.decisionID.write(into: text)
                w.lengthPrefixed(UnsafeBufferPointer(text))
            }
            w.u8(d.tier.code)
            w.u8(d.scoreTier.code)
            w.string(d.queue)
            w.optString(d.ownerID)
            w.u8(d.flags)
            w.zigzag(Int64(d.score))
            w.bool(d.slaDeadline != nil)
            if let deadline = d.slaDeadline { w.time(deadline) }
        }
        w.varint(roundRobin.count)
        for k in roundRobin.keys.sorted(by: Self.utf8Order) {
            w.string(k)
            w.zigzag(roundRobin[k]!)
        }
        w.varint(ownerLoad.count)
        for k in ownerLoad.keys.sorted(by: Self.utf8Order) {
            w.string(k)
            w.zigzag(Int64(ownerLoad[k]!))
        }
        w.varint(timers.count)
        for t in timers {
            w.time(t.deadline)
            w.u64(t.lead.raw)
        }
        w.varint(accountSignatures.count)
        for k in accountSignatures.keys.sorted() {  // AccountID order: UTF-8 bytes
            w.string(k.rawValue)
            w.u64(accountSignatures[k]!)
        }
        return SnapshotEnvelope.finish(&w)
    }

    /// Restores a state from ``snapshotBytes()`` (or from a version-4 snapshot);
    /// fails on another type or version, a checksum mismatch, or truncated or
    /// garbled input.
    package init(snapshot: [UInt8]) throws {
        do {
            if snapshot.starts(with: Self.legacyMagic) {
                try self.init(legacySnapshot: snapshot)
                return
            }
            self.init()
            var r = try SnapshotEnvelope.open(snapshot, tag: .decisionState, version: Self.snapshotFormatVersion)
            watermark = try r.time("watermark")
            let n = try r.count("leads", minBytes: Self.minimumLeadBytes)
            leads.reserveCapacity(n)
            for _ in 0..<n {
                let id = LeadID(raw: try r.u64("lead id"))
                var s = LeadState()
                s.activity.time = try r.time("activity time")
                for i in 0..<LeadActivity.fieldCount { s.activity.set(i, try r.f64("activity counter")) }
                if try r.bool("decision") {
                    guard let decisionID = DecisionID(try r.string("decision id")) else {
                        throw r.fail("decision id", "not dc_ and 32 lowercase hex digits")
                    }
                    guard let tier = Tier(code: try r.u8("tier")), let scoreTier = Tier(code: try r.u8("score tier")) else {
                        throw r.fail("tier", "unknown tier code")
                    }
                    let queue = try r.string("queue")
                    let owner = try r.optString("owner")
                    let flags = try r.u8("flags")
                    let score = try r.int("score")
                    let deadline: Int64? = try r.bool("SLA deadline") ? try r.time("SLA deadline") : nil
                    s.decision = LeadDecision(
                        decisionID: decisionID, tier: tier, scoreTier: scoreTier, queue: queue, ownerID: owner, flags: flags, score: score,
                        slaDeadline: deadline)
                }
                leads[id] = s
            }
            for _ in 0..<(try r.count("round-robin weights", minBytes: 2)) {
                let k = try r.string("round-robin key")
                roundRobin[k] = try r.zigzag("round-robin weight")
            }
            for _ in 0..<(try r.count("owner loads", minBytes: 2)) {
                let k = try r.string("owner")
                ownerLoad[k] = try r.int("owner load")
            }
            for _ in 0..<(try r.count("timers", minBytes: 9)) {
                let deadline = try r.time("timer deadline")
                timers.append(SLATimer(deadline: deadline, lead: LeadID(raw: try r.u64("timer lead"))))
            }
            for _ in 0..<(try r.count("account signatures", minBytes: 9)) {
                let k = AccountID(try r.string("account"))
                accountSignatures[k] = try r.u64("account signature")
            }
            try r.finish()
        } catch let error as SnapshotError {
            throw DecisionsError(.invalidArtifact, "decision-state snapshot: \(error)", field: "snapshot")
        }
    }

    /// Byte order of UTF-8 strings (locale-independent).
    static func utf8Order(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}
