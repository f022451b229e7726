import Crypto
import Foundation
import LeadLedgerCore

/// The master key of crypto-shredding (SPEC §12), read from the file named by
/// `LEADLEDGER_MASTER_KEY_FILE` (never a flag: a flag shows in `ps` and pod specs).
///
/// The file holds 32 bytes: raw (binary), as 64 hex digits, or as base64
/// (surrounding whitespace ignored). Two independent secrets are derived from it with
/// HKDF-SHA-256, so neither use can stand in for the other:
/// - the lead-id secret (HMAC-SHA-256 lead ids, ``leadIDScheme``);
/// - the wrapping key that seals per-subject keys on `leadledger.keys`.
///
/// Errors name the variable and the path, never the file's bytes.
package struct MasterKey: Sendable {
    /// The environment variable naming the key file.
    package static let environmentVariable = "LEADLEDGER_MASTER_KEY_FILE"

    /// The derived secrets' bytes (`SymmetricKey` is not `Sendable`).
    let wrappingKeyBytes: [UInt8]
    let leadIDKeyBytes: [UInt8]

    /// Wraps and unwraps subject keys (AES-256-GCM).
    package var wrappingKey: SymmetricKey { SymmetricKey(data: wrappingKeyBytes) }

    /// Derives the secrets from 32 key bytes.
    package init(bytes: [UInt8]) {
        let master = SymmetricKey(data: bytes)
        func derive(_ info: String) -> [UInt8] {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master, salt: Array("leadledger".utf8), info: Array(info.utf8), outputByteCount: 32
            ).withUnsafeBytes { Array($0) }
        }
        wrappingKeyBytes = derive("leadledger/subject-key-wrap/v1")
        leadIDKeyBytes = derive("leadledger/lead-id/v1")
    }

    /// The key named by `LEADLEDGER_MASTER_KEY_FILE` in `environment`, or nil when
    /// the variable is unset or empty (plaintext mode).
    /// - Throws: `master_key` when the file cannot be read or does not hold 32 bytes.
    package static func load(environment: [String: String]) throws(EngineError) -> MasterKey? {
        guard let path = environment[environmentVariable], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.masterKey, context: environmentVariable, "cannot read the key file \(path)")
        }
        guard let bytes = parse(Array(data)) else {
            throw EngineError(
                .masterKey, context: environmentVariable,
                "the key file \(path) must hold 32 bytes: raw, 64 hex digits or base64 (e.g. `openssl rand -hex 32`)")
        }
        return MasterKey(bytes: bytes)
    }

    /// 32 key bytes from a key file's content: raw, hex or base64. Raw bytes
    /// must include a byte that is neither printable ASCII nor a line break or
    /// tab (32 random bytes nearly always do), so a 32-byte text that is neither
    /// hex nor base64 is refused rather than taken as a key.
    static func parse(_ content: [UInt8]) -> [UInt8]? {
        let textual: (UInt8) -> Bool = { (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if content.count == 32, !content.allSatisfy(textual) { return content }
        let text = String(decoding: content, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.utf8.count == 64, let bytes = hexBytes(text) { return bytes }
        if let data = Data(base64Encoded: text), data.count == 32 { return Array(data) }
        return nil
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x61...0x66: v = c - 0x57
            case 0x41...0x46: v = c - 0x37
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? bytes : nil
    }

    /// HMAC-SHA-256 lead ids under the derived lead-id secret (first 8 bytes, big endian).
    package var leadIDScheme: LeadIDScheme {
        let bytes = leadIDKeyBytes
        return LeadIDScheme { text in
            let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: bytes))
            return mac.withUnsafeBytes { raw in raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
    }
}
