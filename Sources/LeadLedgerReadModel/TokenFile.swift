import Foundation
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

    /// The file as YAML decodes it, before validation.
    private struct Document: Decodable {
        struct Item: Decodable {
            var name: String
            var sha256: String
            var role: String
        }
        var tokens: [Item]?
    }

    /// Parses the YAML text; `source` names the file in errors.
    package init(yaml text: String, source: String) throws(ReadModelError) {
        if text.allSatisfy({ $0.isWhitespace }) {
            self.init()
            return
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw ReadModelError(.invalidTokenFile, "\(source): expected tokens: [{name, sha256, role}]: \(error)")
        }
        var entries: [Entry] = []
        for (index, item) in (document.tokens ?? []).enumerated() {
            let at = "\(source): tokens[\(index)]"
            guard Self.isValidName(item.name) else {
                throw ReadModelError(.invalidTokenFile, "\(at).name must be 1-64 characters of A-Z a-z 0-9 . _ -")
            }
            guard let digest = Self.digest(hex: item.sha256) else {
                throw ReadModelError(.invalidTokenFile, "\(at).sha256 must be 64 hex digits")
            }
            guard let role = AccessRole(rawValue: item.role) else {
                throw ReadModelError(.invalidTokenFile, "\(at).role must be one of viewer, analyst, operator, admin")
            }
            if entries.contains(where: { $0.name == item.name }) {
                throw ReadModelError(.invalidTokenFile, "\(at): duplicate name \(item.name)")
            }
            entries.append(Entry(name: item.name, sha256: digest, role: role))
        }
        self.init(entries: entries)
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
