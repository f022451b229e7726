import CoreMetrics
import Prometheus

/// The process's Prometheus registry, installed once as swift-metrics' backend:
/// every `Counter`, `Gauge` and `Timer` the engine creates lands here, and
/// `/metrics` renders it. Installing it is idempotent.
package enum PrometheusBootstrap {
    private static let installed: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Latencies from milliseconds (a local hop) to a minute (a rebalance or a backlog).
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Installs the registry (first call) and returns it.
    package static func registry() -> PrometheusCollectorRegistry { installed }

    /// The Prometheus text exposition (format 0.0.4) of everything recorded so far.
    /// Reads the metrics' atomics and short per-metric locks; never waits on a worker.
    package static func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        installed.emit(into: &buffer)
        return buffer
    }
}
