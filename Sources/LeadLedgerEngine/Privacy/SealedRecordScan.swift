import LeadLedgerCore

/// A byte scan of a canonical-log record, without decoding it: does it hold a
/// sealed field of a subject the keyring has no key for (and that is not erased)?
/// The materialize stage then reads the keys topic before it applies the batch.
enum SealedRecordScan {
    /// Where a sealed value starts: a whole JSON string, or the sealed query and
    /// fragment of a content after its clear part.
    static let sealedMarkers = [Array("\"enc1.".utf8), Array("?enc1.".utf8)]

    static func unknownSubject(in bytes: [UInt8], keyring: SubjectKeyring) -> Bool {
        for marker in sealedMarkers {
            var from = 0
            while let start = find(marker, in: bytes, from: from) {
                let hex = start + marker.count
                guard hex + 16 <= bytes.count else { break }
                if let id = LeadID("ld_" + String(decoding: bytes[hex..<(hex + 16)], as: UTF8.self)), keyring.isUnknown(id) {
                    return true
                }
                from = hex
            }
        }
        return false
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
