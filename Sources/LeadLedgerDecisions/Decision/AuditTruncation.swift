/// Cuts an audit record that is larger than the limit down to it, without
/// splitting it: an event keeps exactly one audit record. What goes is the tail
/// of `further_decisions` (the decisions of other leads the event changed, in
/// decision order); the record says so in
/// `"further_truncated":{"count":N,"sha256":"…"}`, placed after
/// `further_decisions` (sorted key order), where N is how many decisions were
/// left out and the digest is the SHA-256 (lower-case hex) of the JSON array of
/// exactly those entries, as they would have been written: `[` + the entries
/// joined by `,` + `]`. Everything else, `state_hash` included (it chains every
/// decision's state), is unchanged.
///
/// The record is the decider's canonical encoding; the positions are where its
/// `further_decisions` array's contents start, where each entry ends, and where
/// the contents end (the index of the closing `]`). The cut is a pure function
/// of the full record and the limit, so `audit verify`, re-deriving the record
/// with the same limit, cuts it the same way.
struct AuditTruncation {
    let record: [UInt8]
    let furtherStart: Int
    let furtherEnds: [Int]
    let furtherEnd: Int
    let limit: Int

    /// The record cut to at most `limit` bytes, keeping as many leading further
    /// decisions as fit (possibly none). A record that is over the limit without
    /// any further decision is returned as it is: there is nothing to leave out.
    func truncated() -> [UInt8] {
        guard record.count > limit, !furtherEnds.isEmpty else { return record }
        let total = furtherEnds.count
        let overhead = record.count - (furtherEnd - furtherStart)
        let budget = limit - overhead - Self.marker(count: total, sha256: String(repeating: "0", count: 64)).count
        var kept = 0
        while kept < total && furtherEnds[kept] - furtherStart <= budget {
            kept += 1
        }
        let cut = kept == 0 ? furtherStart : furtherEnds[kept - 1]
        // The left-out entries are contiguous: after the kept ones (and their comma) up to the closing bracket.
        let leftOutStart = kept == 0 ? furtherStart : cut + 1
        var leftOut: [UInt8] = [UInt8(ascii: "[")]
        leftOut += record[leftOutStart..<furtherEnd]
        leftOut.append(UInt8(ascii: "]"))
        var out: [UInt8] = []
        out.reserveCapacity(limit)
        out += record[..<cut]
        out.append(UInt8(ascii: "]"))
        out += Self.marker(count: total - kept, sha256: ContentVersion(of: leftOut).sha256)
        out += record[(furtherEnd + 1)...]
        return out
    }

    /// The `further_truncated` member, with its leading comma.
    static func marker(count: Int, sha256: String) -> [UInt8] {
        Array(#","further_truncated":{"count":\#(count),"sha256":"\#(sha256)"}"#.utf8)
    }
}
