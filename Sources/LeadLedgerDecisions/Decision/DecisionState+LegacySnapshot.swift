import LeadLedgerCore

extension DecisionState {
    /// The first bytes of a version-4 snapshot, written before every snapshot
    /// shared one codec and envelope.
    static let legacyMagic: [UInt8] = Array("LLDS".utf8)

    /// Restores a version-4 snapshot (magic `LLDS`, a big-endian u16 version,
    /// then big-endian fixed-width fields and u32-length strings), as the
    /// previous release wrote it; any other version is refused.
    init(legacySnapshot bytes: [UInt8]) throws(SnapshotError) {
        self.init()
        var r = SnapshotReader(bytes, from: Self.legacyMagic.count, to: bytes.count)
        let version: UInt16 = try r.bigEndian("version")
        guard version == 4 else {
            throw SnapshotError(
                .unsupportedVersion, "decision-state format version \(version); this build reads 4 and \(Self.snapshotFormatVersion)")
        }
        func int64(_ what: String) throws(SnapshotError) -> Int64 { Int64(bitPattern: try r.bigEndian(what)) }
        func string(_ what: String) throws(SnapshotError) -> String {
            let n = Int(try r.bigEndian(what) as UInt32)
            guard n <= r.remaining else { throw r.fail(what, "length \(n) exceeds the remaining \(r.remaining) bytes") }
            let start = r.position
            r.position += n
            guard let s = String(validating: r.bytes[start..<r.position], as: UTF8.self) else { throw r.fail(what, "invalid UTF-8") }
            return s
        }
        func count(_ what: String, minBytes: Int) throws(SnapshotError) -> Int {
            let n = Int(try r.bigEndian(what) as UInt32)
            // A count the remaining bytes cannot hold is garbled (and must not size an allocation).
            guard n <= r.remaining / minBytes else { throw r.fail(what, "count \(n) exceeds the remaining \(r.remaining) bytes") }
            return n
        }
        watermark = try int64("watermark")
        let n = try count("leads", minBytes: 8 + 8 + LeadActivity.fieldCount * 8 + 1)
        leads.reserveCapacity(n)
        for _ in 0..<n {
            let id = LeadID(raw: try r.bigEndian("lead id"))
            var s = LeadState()
            s.activity.time = try int64("activity time")
            for i in 0..<LeadActivity.fieldCount { s.activity.set(i, Double(bitPattern: try r.bigEndian("activity counter"))) }
            if try r.u8("decision") == 1 {
                guard let decisionID = DecisionID(try string("decision id")) else {
                    throw r.fail("decision id", "not dc_ and 32 lowercase hex digits")
                }
                guard let tier = Tier(code: try r.u8("tier")), let scoreTier = Tier(code: try r.u8("score tier")) else {
                    throw r.fail("tier", "unknown tier code")
                }
                let queue = try string("queue")
                let owner: String? = try r.u8("owner") == 1 ? try string("owner") : nil
                let flags = try r.u8("flags")
                let score = Int(try int64("score"))
                let deadline: Int64? = try r.u8("SLA deadline") == 1 ? try int64("SLA deadline") : nil
                s.decision = LeadDecision(
                    decisionID: decisionID, tier: tier, scoreTier: scoreTier, queue: queue, ownerID: owner, flags: flags, score: score,
                    slaDeadline: deadline)
            }
            leads[id] = s
        }
        for _ in 0..<(try count("round-robin weights", minBytes: 12)) {
            let k = try string("round-robin key")
            roundRobin[k] = try int64("round-robin weight")
        }
        for _ in 0..<(try count("owner loads", minBytes: 12)) {
            let k = try string("owner")
            ownerLoad[k] = Int(try int64("owner load"))
        }
        for _ in 0..<(try count("timers", minBytes: 16)) {
            let deadline = try int64("timer deadline")
            timers.append(SLATimer(deadline: deadline, lead: LeadID(raw: try r.bigEndian("timer lead"))))
        }
        for _ in 0..<(try count("account signatures", minBytes: 12)) {
            let k = AccountID(try string("account"))
            accountSignatures[k] = try r.bigEndian("account signature")
        }
        try r.finish()
    }
}
