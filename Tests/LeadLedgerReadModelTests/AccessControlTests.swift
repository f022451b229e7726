import Foundation
import LeadLedgerReadModel
import Testing

@Suite("Read model access control")
struct AccessControlTests {
    static let digestOfSecret = AccessToken.hexDigest("secret")

    @Test func tokenFileParsesEntriesAndAuthenticatesByDigest() throws {
        let other = AccessToken.hexDigest("other")
        let file = try TokenFile(
            yaml: """
                tokens:
                  - {name: ci-viewer, sha256: \(Self.digestOfSecret), role: viewer}
                  - name: ops
                    sha256: \(other.uppercased())
                    role: operator
                """, source: "t.yaml")
        #expect(file.entries.map(\.name) == ["ci-viewer", "ops"])
        #expect(file.authenticate("secret") == TokenFile.Identity(name: "ci-viewer", role: .viewer))
        #expect(file.authenticate("other") == TokenFile.Identity(name: "ops", role: .operator))
        #expect(file.authenticate("Secret") == nil)
        #expect(file.authenticate("") == nil)
    }

    @Test(arguments: [
        ("tokens:\n  - {name: a, sha256: abc, role: viewer}", "sha256"),
        ("tokens:\n  - {name: a, sha256: \(AccessControlTests.digestOfSecret), role: root}", "role"),
        ("tokens:\n  - {name: 'a b', sha256: \(AccessControlTests.digestOfSecret), role: viewer}", "name"),
        (
            "tokens:\n  - {name: a, sha256: \(AccessControlTests.digestOfSecret), role: viewer}\n  - {name: a, sha256: \(AccessControlTests.digestOfSecret), role: admin}",
            "duplicate"
        ),
        ("tokens: {name: a}", "tokens"),
        ("tokens:\n  - {name: a, role: viewer}", "tokens"),
    ])
    func invalidTokenFilesAreRefusedWithTheField(yaml: String, mentions: String) {
        #expect {
            _ = try TokenFile(yaml: yaml, source: "t.yaml")
        } throws: { error in
            guard let error = error as? ReadModelError else { return false }
            return error.code == .invalidTokenFile && error.message.contains(mentions) && error.message.contains("t.yaml")
        }
    }

    @Test func anEmptyFileHasNoTokens() throws {
        #expect(try TokenFile(yaml: "", source: "t").entries.isEmpty)
        #expect(try TokenFile(yaml: "tokens: []\n", source: "t").entries.isEmpty)
    }

    @Test func addTokenCreatesTheFileAppendsAndStoresOnlyTheDigest() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try TokenFile.addToken(name: "alice", role: .analyst, path: path)
        let second = try TokenFile.addToken(name: "bob", role: .admin, path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(first) && !text.contains(second))
        let file = try TokenFile.load(path: path)
        #expect(file.entries.map(\.name) == ["alice", "bob"])
        #expect(file.authenticate(first) == TokenFile.Identity(name: "alice", role: .analyst))
        #expect(file.authenticate(second) == TokenFile.Identity(name: "bob", role: .admin))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: ReadModelError.self) { try TokenFile.addToken(name: "alice", role: .viewer, path: path) }
    }

    @Test func generatedTokensAreURLSafeLongAndDistinct() {
        let tokens = (0..<50).map { _ in AccessToken.generate() }
        #expect(Set(tokens).count == 50)
        for token in tokens {
            // 256 random bits: 43 base64url characters after the prefix.
            #expect(token.hasPrefix("llt_") && token.count == 4 + 43, "\(token)")
            #expect(
                token.utf8.allSatisfy { c in
                    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
                })
        }
    }

    @Test func digestComparisonNeedsEqualLengthAndBytes() {
        #expect(AccessToken.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!AccessToken.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!AccessToken.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(AccessToken.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func rolesIncludeTheLesserOnes() {
        #expect(AccessRole.admin.permits(.operator) && AccessRole.operator.permits(.analyst) && AccessRole.analyst.permits(.viewer))
        #expect(!AccessRole.viewer.permits(.analyst) && !AccessRole.analyst.permits(.operator) && !AccessRole.operator.permits(.admin))
        #expect(!AccessRole.viewer.seesPersonalData && AccessRole.analyst.seesPersonalData)
    }

    @Test func maskingKeepsOnlyAHint() {
        #expect(Masking.email("jane.doe@acme.io") == "j***@acme.io")
        #expect(Masking.email("not-an-address") == "n***")
        #expect(Masking.name("Jane") == "J***")
        #expect(Masking.name("") == "***")
    }
}
