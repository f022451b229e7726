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
/// the state (format version 3, big-endian binary, every map written in sorted
/// key order), and `init(snapshot:)` restores an equal state.
package struct DecisionState: Sendable, Equatable {
    /// Highest event time applied so far (epoch ms); `Int64.min` before the first event.
    package internal(set) var watermark: Int64 = .min
    /// Per-lead state.
    package internal(set) var leads: [LeadID: LeadState] = [:]
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

    static let magic: [UInt8] = Array("LLDS".utf8)
    /// Snapshot format version. 4: 16 activity counters per lead (positive
    /// replies, meetings and negative replies added). 3: the per-account fan-out signatures follow
    /// the timers. 2: ``LeadDecision/decisionID`` of a lead never routed is
    /// the event's audit decision id (audit schema_version 2). Older formats
    /// (1: per-lead audit ids; 2: no signatures, so an account change would
    /// fan out differently than a replay from the log; 3: 13 counters) are refused: the
    /// engine then replays instead of continuing from them.
    package static let snapshotFormatVersion: UInt16 = 4

    /// Deterministic binary snapshot of the state.
    package func snapshotBytes() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        w.u16(Self.snapshotFormatVersion)
        w.i64(watermark)
        w.u32(UInt32(leads.count))
        for id in leads.keys.sorted() {
            let s = leads[id]!
            w.u64(id.raw)
            let a = s.activity
            w.i64(a.time)
            for i in 0..<LeadActivity.fieldCount { w.f64(a.value(i)) }
            if let d = s.decision {
                w.u8(1)
                w.string(d.decisionID)
                w.u8(d.tier.code)
                w.u8(d.scoreTier.code)
                w.string(d.queue)
                w.optString(d.ownerID)
                w.u8((d.holdsCapacity ? 1 : 0) | (d.overridden ? 2 : 0) | (d.escalated ? 4 : 0) | (d.closed ? 8 : 0))
                w.i64(Int64(d.score))
                if let dl = d.slaDeadline {
                    w.u8(1)
                    w.i64(dl)
                } else {
                    w.u8(0)
                }
            } else {
                w.u8(0)
            }
        }
        w.u32(UInt32(roundRobin.count))
        for k in roundRobin.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            w.string(k)
            w.i64(roundRobin[k]!)
        }
        w.u32(UInt32(ownerLoad.count))
        for k in ownerLoad.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            w.string(k)
            w.i64(Int64(ownerLoad[k]!))
        }
        w.u32(UInt32(timers.count))
        for t in timers {
            w.i64(t.deadline)
            w.u64(t.lead.raw)
        }
        w.u32(UInt32(accountSignatures.count))
        for k in accountSignatures.keys.sorted() {  // AccountID order: UTF-8 bytes
            w.string(k.rawValue)
            w.u64(accountSignatures[k]!)
        }
        return w.out
    }

    /// Restores a state from ``snapshotBytes()``; fails on a wrong magic,
    /// unknown version or truncated/garbled input.
    package init(snapshot: [UInt8]) throws {
        var r = ByteReader(bytes: snapshot)
        guard try r.bytes(4) == Self.magic else {
            throw DecisionsError(.invalidArtifact, "not a decision-state snapshot (bad magic)", field: "magic")
        }
        let v = try r.u16()
        guard v == Self.snapshotFormatVersion else {
            throw DecisionsError(.invalidArtifact, "unsupported snapshot format version \(v)", field: "version")
        }
        watermark = try r.i64()
        let n = try r.u32()
        // Each lead takes at least its id, activity time and counters and a decision flag: a
        // count the remaining bytes cannot hold is garbled (and must not size an allocation).
        let minimumLeadBytes = 8 + 8 + LeadActivity.fieldCount * 8 + 1
        guard Int(n) <= r.remaining / minimumLeadBytes else {
            throw DecisionsError(.invalidArtifact, "lead count \(n) exceeds the snapshot's \(r.remaining) remaining bytes", field: "leads")
        }
        leads.reserveCapacity(Int(n))
        for _ in 0..<n {
            let id = LeadID(raw: try r.u64())
            var s = LeadState()
            s.activity.time = try r.i64()
            for i in 0..<LeadActivity.fieldCount { s.activity.set(i, try r.f64()) }
            if try r.u8() == 1 {
                let did = try r.string()
                guard let tier = Tier(code: try r.u8()), let st = Tier(code: try r.u8()) else {
                    throw DecisionsError(.invalidArtifact, "bad tier code in snapshot", field: "leads.tier")
                }
                let q = try r.string()
                let owner = try r.optString()
                let flags = try r.u8()
                let score = Int(try r.i64())
                let dl: Int64? = try r.u8() == 1 ? try r.i64() : nil
                s.decision = LeadDecision(
                    decisionID: did, tier: tier, scoreTier: st, queue: q, ownerID: owner, holdsCapacity: flags & 1 != 0,
                    score: score, overridden: flags & 2 != 0, escalated: flags & 4 != 0, closed: flags & 8 != 0, slaDeadline: dl)
            }
            leads[id] = s
        }
        for _ in 0..<(try r.u32()) {
            let k = try r.string()
            roundRobin[k] = try r.i64()
        }
        for _ in 0..<(try r.u32()) {
            let k = try r.string()
            ownerLoad[k] = Int(try r.i64())
        }
        for _ in 0..<(try r.u32()) {
            let d = try r.i64()
            timers.append(SLATimer(deadline: d, lead: LeadID(raw: try r.u64())))
        }
        for _ in 0..<(try r.u32()) {
            let k = AccountID(try r.string())
            accountSignatures[k] = try r.u64()
        }
        guard r.atEnd else { throw DecisionsError(.invalidArtifact, "trailing bytes in snapshot", field: "end") }
    }
}
