import LeadLedgerCore

/// How `audit verify` compares a routing record of an erased subject: the
/// re-derivation sees `[erased]` where the record written before the erasure
/// had the email, so the two are compared with their personal fields (`emails`)
/// left out. Every other member must still be equal.
enum ErasedRecordComparison {
    static let erasedMarker = Array(PersonalDataSealer.erasedText.utf8)
    static let personalMembers: Set<String> = ["emails"]

    /// Whether `expected` (re-derived, naming `[erased]`) and `actual` are equal
    /// without their personal members.
    static func equalIgnoringErasedFields(expected: [UInt8], actual: [UInt8]) -> Bool {
        guard SealedRecordScan.find(erasedMarker, in: expected) != nil,
            case .object(let e)? = try? JSONParser.parse(expected), case .object(let a)? = try? JSONParser.parse(actual)
        else { return false }
        func strip(_ o: JSONObject) -> [JSONObject.Member] { o.members.filter { !personalMembers.contains($0.key) } }
        return strip(e) == strip(a)
    }
}
