import LeadLedgerCore
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import TestSupport
import Testing

/// The HTTP server in this process, on 127.0.0.1 and a free port, with a status
/// board the test fills (no broker).
@Suite("Operations HTTP server")
struct OperationsServerTests {
    static func start(token: MetricsToken? = nil) async throws -> (OperationsServer, EngineStatusBoard) {
        let board = EngineStatusBoard()
        var logger = Logger(label: "test.http")
        logger.logLevel = .error
        let server = try await OperationsServer.start(
            OperationsServer.Configuration(host: "127.0.0.1", port: 0, readyMaxLag: 100, token: token), status: board, logger: logger)
        return (server, board)
    }

    static func json(_ body: String) throws -> JSONObject {
        guard case .object(let object) = try JSONParser.parse(body) else { throw TestFailure("not a JSON object: \(body)") }
        return object
    }

    @Test(.timeLimit(.minutes(4)))
    func probesFollowTheBoard() async throws {
        let (server, board) = try await Self.start()
        defer { Task { await server.stop() } }
        #expect(server.port > 0)
        board.register(stage: "materialize")
        let joining = try await httpRequest(port: server.port, path: "/health/ready")
        #expect(joining.status == 503)
        #expect(joining.headers["content-type"] == "application/json")
        #expect(try Self.json(joining.body)["reasons"] == .array([.string("stage materialize has not received its partitions yet")]))

        let lagging = PartitionStatus(stage: "materialize", topic: "leadledger.events", partition: 4, restored: true, lag: 101)
        board.update(stage: "materialize", joined: true, partitions: [lagging], at: .now)
        let behind = try await httpRequest(port: server.port, path: "/health/ready")
        #expect(behind.status == 503)
        #expect(try Self.json(behind.body)["status"] == .string("not_ready"))
        #expect(behind.body.contains("lags 101 records (ready_max_lag 100)"))

        var caughtUp = lagging
        caughtUp.lag = 100
        board.update(stage: "materialize", joined: true, partitions: [caughtUp], at: .now)
        let ready = try await httpRequest(port: server.port, path: "/health/ready")
        #expect(ready.status == 200)
        #expect(try Self.json(ready.body)["status"] == .string("ready"))

        let live = try await httpRequest(port: server.port, path: "/health/live")
        #expect(live.status == 200)
        #expect(try Self.json(live.body)["status"] == .string("live"))
    }

    @Test(.timeLimit(.minutes(4)))
    func metricsUnknownRoutesMethodsAndBodies() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.stop() } }
        let metrics = try await httpRequest(port: server.port, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)

        let unknown = try await httpRequest(port: server.port, path: "/v1/leads")
        #expect(unknown.status == 404)
        #expect(try Self.json(unknown.body) == ["error": .string("no such route: /v1/leads"), "status": .number(404)])

        let post = try await httpRequest(port: server.port, method: "POST", path: "/metrics")
        #expect(post.status == 405)
        #expect(try Self.json(post.body)["status"] == .number(405))

        let withBody = try await httpRequest(port: server.port, path: "/metrics", body: String(repeating: "x", count: 4096))
        #expect(withBody.status == 413)
        #expect(try Self.json(withBody.body)["status"] == .number(413))
    }

    @Test(.timeLimit(.minutes(4)))
    func aTokenProtectsEveryRoute() async throws {
        let (server, _) = try await Self.start(token: try MetricsToken("let-me-scrape"))
        defer { Task { await server.stop() } }
        for path in ["/metrics", "/health/live", "/health/ready"] {
            let anonymous = try await httpRequest(port: server.port, path: path)
            #expect(anonymous.status == 401, "\(path)")
            #expect(anonymous.headers["www-authenticate"] == "Bearer")
            let wrong = try await httpRequest(port: server.port, path: path, headers: ["Authorization": "Bearer let-me-scrap"])
            #expect(wrong.status == 401, "\(path)")
        }
        let scrape = try await httpRequest(port: server.port, path: "/metrics", headers: ["Authorization": "Bearer let-me-scrape"])
        #expect(scrape.status == 200)
        let live = try await httpRequest(port: server.port, path: "/health/live", headers: ["Authorization": "Bearer let-me-scrape"])
        #expect(live.status == 200)
    }

    @Test(.timeLimit(.minutes(4)))
    func aPortInUseIsAnError() async throws {
        let (first, _) = try await Self.start()
        defer { Task { await first.stop() } }
        var logger = Logger(label: "test.http")
        logger.logLevel = .critical
        await #expect(throws: OperationsServerError.self) {
            try await OperationsServer.start(
                OperationsServer.Configuration(host: "127.0.0.1", port: first.port, readyMaxLag: 1, token: nil),
                status: EngineStatusBoard(),
                logger: logger)
        }
    }
}
