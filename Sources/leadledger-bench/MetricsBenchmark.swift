import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import LeadLedgerOperations
import Metrics

/// `leadledger-bench metrics`: what the engine's instrumentation costs per
/// materialized event, on its own: the calls a partition worker makes for a
/// typical materialize event (records in and out per batch, the audit record's
/// decisions by tier, a routing record's change, and one latency sample per
/// acknowledged output), against the Prometheus backend `run` installs or
/// swift-metrics' no-op backend.
struct MetricsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Cost of the engine's metrics per materialized event (Prometheus or no-op backend).")

    @Option(help: "Simulated materialize events.")
    var events = 2_000_000

    @Flag(help: "Record into the Prometheus registry (as `run` does); without it, swift-metrics' no-op backend.")
    var prometheus = false

    func run() {
        if prometheus { _ = PrometheusBootstrap.registry() }
        let stage = StageMetrics(stage: "materialize")
        var metrics = stage.partition(KafkaTopicPartition(topic: "leadledger.events", partition: 0))
        // The engine bench's workload: 2.8 decisions and 1.23 outputs per event, 0.23 of them routing records.
        var tiers = SIMD8<UInt16>()
        tiers[0] = 2
        tiers[4] = 1
        let timestamp = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = 64
        let start = ContinuousClock.now
        var event = 0
        while event < events {
            let size = min(batch, events - event)
            var routing = 0
            for index in 0..<size {
                metrics.observe(.decisions(tiers))
                stage.eventToOutput.recordNanoseconds(WallClock.nanosecondsSince(milliseconds: timestamp))
                if (event + index) % 13 < 3 {
                    metrics.observe(.routeChange(.tier))
                    stage.eventToOutput.recordNanoseconds(WallClock.nanosecondsSince(milliseconds: timestamp))
                    routing += 1
                }
            }
            metrics.countOutputs(size, topic: "leadledger.audit")
            metrics.countOutputs(routing, topic: "leadledger.routing")
            metrics.recordsIn.increment(by: size)
            event += size
        }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        let backend = prometheus ? "prometheus" : "no-op"
        print(
            "metrics (\(backend) backend): \(events) events in \(elapsed): \(String(format: "%.1f", nanoseconds / Double(events))) ns per event"
        )
        if prometheus {
            let rendered = PrometheusBootstrap.render()
            print("/metrics after the run: \(rendered.count) bytes")
        }
    }
}
