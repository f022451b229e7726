/// Masks personal data for roles that may not see it (viewer): enough to tell
/// two values apart at a glance, not enough to recover them.
package enum Masking {
    /// `jane.doe@acme.io` → `j***@acme.io`: the first character of the local part and the domain.
    package static func email(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return name(address) }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        return (local.first.map { String($0) } ?? "") + "***@" + domain
    }

    /// `Jane` → `J***`.
    package static func name(_ text: String) -> String {
        (text.first.map { String($0) } ?? "") + "***"
    }
}
