import Foundation
import LeadLedgerDecisions
import Yams

/// The token file of `leadledger serve`: tokens stored as SHA-256 digests, each
/// with a name (the actor an override names) and a role.
///
/// ```yaml
/// tokens:
///   - {name: ci-viewer, sha256: <64 hex digits>, role: viewer}
/// ```
package struct TokenFile: Sendable, Equatable {
    /// One token entry.
    package struct Entry: Sendable, Equatable {
        package var name: String
        /// The digest (32 bytes).
        package var sha256: [UInt8]
        package var role: AccessRole

        package init(name: String, sha256: [UInt8], role: AccessRole) {
            self.name = name
            self.sha256 = sha256
            self.role = role
        }
    }

    /// Who a presented token belongs to.
    package struct Identity: Sendable, Equatable {
        package var name: String
        package var role: AccessRole

        package init(name: String, role: AccessRole) {
            self.name = name
            self.role = role
        }
    }

    package var entries: [Entry]

    package init(entries: [Entry] = []) { self.entries = entries }

    /// Parses the YAML text; `source` names the file in errors. An empty file has no tokens.
    /// - Throws: `invalid_token_file` naming the file, line and key path, also for
    ///   a key the file does not know (``YAMLReader``).
    package init(yaml text: String, source: String) throws(ReadModelError) {
        do {
            self.init(entries: try Self.entries(yaml: text, YAMLReader(source: source)))
        } catch {
            throw ReadModelError(.invalidTokenFile, "\(error)")
        }
    }

    private static func entries(yaml text: String, _ r: YAMLReader) throws -> [Entry] {
        guard let root = try r.document(Data(text.utf8)) else { return [] }
        var entries: [Entry] = []
        for (_, list) in try r.mapping(root, "", known: ["tokens"]) where !Self.isNull(list) {
            for (index, item) in try r.sequence(list, "tokens").enumerated() {
                let at = "tokens[\(index)]"
                let members = try r.mapping(item, at, known: ["name", "sha256", "role"], required: ["name", "sha256", "role"])
                var entry = Entry(name: "", sha256: [], role: .viewer)
                for (key, value) in members {
                    let field = at + "." + key
                    let text = try r.text(value, field)
                    switch key {
                    case "name":
                        guard isValidName(text) else { throw r.fail(value, field, "must be 1-64 characters of A-Z a-z 0-9 . _ -") }
                        guard !entries.contains(where: { $0.name == text }) else { throw r.fail(value, field, "duplicate name \(text)") }
                        entry.name = text
                    case "sha256":
                        guard let digest = digest(hex: text) else { throw r.fail(value, field, "must be 64 hex digits") }
                        entry.sha256 = digest
                    default:
                        guard let role = AccessRole(rawValue: text) else {
                            throw r.fail(value, field, "must be one of viewer, analyst, operator, admin")
                        }
                        entry.role = role
                    }
                }
                entries.append(entry)
            }
        }
        return entries
    }

    /// Reads a token file.
    package static func load(path: String) throws(ReadModelError) -> TokenFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReadModelError(.invalidTokenFile, "cannot read token file \(path): \(error.localizedDescription)")
        }
        return try TokenFile(yaml: text, source: path)
    }

    /// The identity of a presented token, or nil. Every entry's digest is compared
    /// in constant time, whether or not an earlier one matched.
    package func authenticate(_ token: String) -> Identity? {
        let presented = AccessToken.digest(token)
        var match: Entry?
        for entry in entries where AccessToken.constantTimeEqual(entry.sha256, presented) && match == nil {
            match = entry
        }
        return match.map { Identity(name: $0.name, role: $0.role) }
    }

    /// The file's YAML text: one flow mapping per token.
    package var yaml: String {
        var text = "tokens:\n"
        for entry in entries {
            let hex = entry.sha256.map { String(format: "%02x", $0) }.joined()
            text += "  - {name: \(entry.name), sha256: \(hex), role: \(entry.role.rawValue)}\n"
        }
        return text
    }

    /// Adds a new token `name` with `role` to the file at `path` (created when
    /// missing) and returns the token, which is stored only as its digest.
    package static func addToken(name: String, role: AccessRole, path: String) throws(ReadModelError) -> String {
        guard isValidName(name) else { throw ReadModelError(.invalidTokenFile, "token name must be 1-64 characters of A-Z a-z 0-9 . _ -") }
        var file = FileManager.default.fileExists(atPath: path) ? try load(path: path) : TokenFile()
        if file.entries.contains(where: { $0.name == name }) {
            throw ReadModelError(.invalidTokenFile, "\(path) already has a token named \(name)")
        }
        let token = AccessToken.generate()
        file.entries.append(Entry(name: name, sha256: AccessToken.digest(token), role: role))
        do {
            try Data(file.yaml.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            // Digests only, but the names and roles are nobody else's business.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw ReadModelError(.invalidTokenFile, "cannot write token file \(path): \(error.localizedDescription)")
        }
        return token
    }

    /// Token names: what `set_by` of an override carries.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
            }
    }

    /// Whether a value is YAML's null (`tokens:` with nothing after it).
    private static func isNull(_ node: Node) -> Bool {
        node.scalar != nil && ["", "~", "null"].contains(node.string ?? "")
    }

    private static func digest(hex: String) -> [UInt8]? {
        let bytes = Array(hex.lowercased().utf8)
        guard bytes.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x57
        default: nil
        }
    }
}
