import Foundation
import LeadLedgerOperations
import Testing

@Suite("Metrics token")
struct MetricsTokenTests {
    @Test func acceptsOnlyTheBearerToken() throws {
        let token = try MetricsToken("s3cret-token\n")
        #expect(token.accepts(authorization: "Bearer s3cret-token"))
        #expect(token.accepts(authorization: "bearer s3cret-token"))
        #expect(!token.accepts(authorization: nil))
        #expect(!token.accepts(authorization: "Bearer s3cret-toke"))
        #expect(!token.accepts(authorization: "Bearer s3cret-token2"))
        #expect(!token.accepts(authorization: "Basic s3cret-token"))
        #expect(!token.accepts(authorization: "s3cret-token"))
        #expect(!token.accepts(authorization: "Bearer "))
    }

    @Test func fileWinsOverTheEnvironment() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-token-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try #require(try MetricsToken.load(file: path, environment: ["LEADLEDGER_METRICS_TOKEN": "from-env"]))
        #expect(fromFile.accepts(authorization: "Bearer from-file"))
        #expect(!fromFile.accepts(authorization: "Bearer from-env"))
        let fromEnvironment = try #require(try MetricsToken.load(file: nil, environment: ["LEADLEDGER_METRICS_TOKEN": "from-env"]))
        #expect(fromEnvironment.accepts(authorization: "Bearer from-env"))
        #expect(try MetricsToken.load(file: nil, environment: [:]) == nil)
    }

    @Test func emptyOrUnreadableTokensAreErrors() {
        #expect(throws: MetricsTokenError.self) { try MetricsToken(" \n") }
        #expect(throws: MetricsTokenError.self) { try MetricsToken.load(file: "/nonexistent/token", environment: [:]) }
        #expect(throws: MetricsTokenError.self) { try MetricsToken.load(file: nil, environment: ["LEADLEDGER_METRICS_TOKEN": ""]) }
    }
}
