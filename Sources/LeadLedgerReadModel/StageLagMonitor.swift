import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import Synchronization

/// Measures the engine's lag per stage in the background (every `interval`)
/// and keeps the last measurement for `GET /v1/lag` and the dashboard. The
/// engine's own `/metrics` has the same figures per process; this is the
/// cluster-wide view from the consumer groups' committed offsets, the one
/// `leadledger lag` prints. A failed measurement keeps the previous one and
/// records the error, so a broker hiccup never fails the API.
package final class StageLagMonitor: Service, Sendable {
    /// The last measurement and when it was taken.
    package struct Snapshot: Sendable, Equatable, Encodable {
        package var measuredAt: String
        package var report: LagReport
        package var lastError: String?

        enum CodingKeys: String, CodingKey {
            case measuredAt = "measured_at"
            case report
            case lastError = "last_error"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(measuredAt, forKey: .measuredAt)
            try report.encode(to: encoder)
            try container.encodeIfPresent(lastError, forKey: .lastError)
        }
    }

    private let probe: StageLagProbe
    private let interval: Duration
    private let state = Mutex<(snapshot: Snapshot?, error: String?)>((nil, nil))

    package init(probe: StageLagProbe, interval: Duration = .seconds(15)) {
        self.probe = probe
        self.interval = interval
    }

    /// The last measurement (nil before the first one succeeded).
    package var latest: Snapshot? {
        state.withLock { current in
            guard var snapshot = current.snapshot else { return nil }
            snapshot.lastError = current.error
            return snapshot
        }
    }

    /// The reason no measurement exists yet, if one failed.
    package var failure: String? { state.withLock { $0.error } }

    package func run() async throws {
        var inputs: [StageLagProbe.StageInputs]?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let resolved: [StageLagProbe.StageInputs]
                if let inputs {
                    resolved = inputs
                } else {
                    resolved = try await probe.inputs()
                }
                inputs = resolved
                let report = try await probe.measure(resolved)
                let now = EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded())).rfc3339
                state.withLock { $0 = (Snapshot(measuredAt: now, report: report, lastError: nil), nil) }
            } catch {
                probe.logger.warning("lag measurement failed: \(error)")
                state.withLock { $0.error = String(describing: error) }
            }
            try? await gracefulShutdownAwareSleep(interval)
        }
    }

    private func gracefulShutdownAwareSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }
}
