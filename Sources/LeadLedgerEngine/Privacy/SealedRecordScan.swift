import LeadLedgerCore

/// A byte scan of a canonical-log record, without decoding it: does it hold a
/// sealed field of a subject the keyring has no key for (and that is not erased)?
/// The materialize stage then reads the keys topic before it applies the batch.
enum SealedRecordScan {
    static let sealedMarker = Array("\"enc1.".utf8)
    static let leadMember = Array("\"lead_id\":\"".utf8)

    static func unknownSubject(in bytes: [UInt8], keyring: SubjectKeyring) -> Bool {
        guard find(sealedMarker, in: bytes) != nil, let start = find(leadMember, in: bytes) else { return false }
        let from = start + leadMember.count
        guard from + 19 <= bytes.count, let id = LeadID(String(decoding: bytes[from..<(from + 19)], as: UTF8.self)) else {
            return false
        }
        return keyring.isUnknown(id)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
