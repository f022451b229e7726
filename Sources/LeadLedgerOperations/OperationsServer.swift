import Foundation
import Hummingbird
import HummingbirdCore
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import NIOCore
import ServiceLifecycle

/// `run`'s HTTP server: `GET /metrics`, `GET /health/live`, `GET /health/ready`.
///
/// It has its own limits, so a slow or abusive client cannot stall processing:
/// at most ``Configuration/maxConnections`` connections, idle connections closed
/// after ``Configuration/idleTimeout``, small headers, no request bodies (413),
/// GET only (405). Handlers read atomics and a copied status board:
/// nothing here waits on a partition worker.
package final class OperationsServer: Sendable {
    /// Where and how to listen.
    package struct Configuration: Sendable {
        /// The address to bind (`0.0.0.0` for every interface, `127.0.0.1` for tests).
        package var host: String
        /// The port (0: any free port).
        package var port: Int
        /// The readiness probe's lag bound.
        package var readyMaxLag: Int64
        /// When set, `/metrics` and `/health/*` need `Authorization: Bearer <token>`.
        package var token: MetricsToken?
        /// Most concurrent connections.
        package var maxConnections = 64
        /// A connection that sends nothing for this long is closed.
        package var idleTimeout: Duration = .seconds(15)
        /// Liveness fails when a stage's progress loop was silent for longer.
        package var staleAfter: Duration = .seconds(60)

        /// Creates a configuration.
        package init(host: String, port: Int, readyMaxLag: Int64, token: MetricsToken?) {
            self.host = host
            self.port = port
            self.readyMaxLag = readyMaxLag
            self.token = token
        }
    }

    /// The bound port (the chosen one when the configuration said 0).
    package let port: Int
    /// The bound host.
    package let host: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// Binds and starts serving; returns once the socket listens.
    /// - Throws: `OperationsServerError.cannotListen` when the address cannot be bound
    ///   (e.g. the port is in use).
    package static func start(_ configuration: Configuration, status: EngineStatusBoard, logger: Logger) async throws -> OperationsServer {
        _ = PrometheusBootstrap.registry()
        let startedAt = ContinuousClock.now
        let router = Router()
        router.add(middleware: OperationsMiddleware(token: configuration.token))
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: PrometheusBootstrap.render())))
        }
        let staleAfter = configuration.staleAfter
        router.get("/health/live") { _, _ in
            OperationsResponse.json(
                HealthEvaluation.liveness(status.snapshot(), now: .now, startedAt: startedAt, staleAfter: staleAfter))
        }
        let maxLag = configuration.readyMaxLag
        router.get("/health/ready") { _, _ in
            OperationsResponse.json(HealthEvaluation.readiness(status.snapshot(), maxLag: maxLag))
        }
        let bound = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout / .nanoseconds(1))))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), backlog: 64,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { channel in
                bound.continuation.yield(.success(channel.localAddress?.port ?? configuration.port))
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                bound.continuation.yield(.failure(OperationsServerError.cannotListen("the server stopped")))
            } catch {
                bound.continuation.yield(.failure(error))
                throw error
            }
        }
        var iterator = bound.stream.makeAsyncIterator()
        switch await iterator.next() {
        case .success(let port):
            return OperationsServer(host: configuration.host, port: port, group: group, task: task)
        case .failure(let error):
            throw OperationsServerError.cannotListen(Self.describe(error))
        case nil:
            throw OperationsServerError.cannotListen("the server stopped")
        }
    }

    /// Stops listening and waits for the open requests.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// A bind error in a few words (NIO's error names the system call and errno).
    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("errno: 98") { return "address already in use" }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") { return "address not available" }
        if text.contains("Permission denied") || text.contains("errno: 13") { return "permission denied" }
        return text
    }
}
