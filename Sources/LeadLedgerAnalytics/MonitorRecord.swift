import LeadLedgerCore

/// A `leadledger.monitor` record (`schemas/leadledger.monitor.schema.json`,
/// schema_version 1): one variable of one model version whose drift crossed the
/// threshold, for alerts and dashboards. Encoded by ``CanonicalJSON`` (keys sorted,
/// numbers rounded to 6 decimals, one trailing newline), keyed by model version.
///
/// `monitor_id` is `mn_` + the 16 hex digits of the stable hash of
/// `drift|model_version|variable|window_until`: publishing the same window twice
/// repeats the same id, so consumers deduplicate by it.
package struct MonitorRecord: Sendable, Equatable {
    package static let schemaVersion = 1
    /// The record's `kind`.
    package static let driftKind = "drift.threshold_crossed"

    package var modelVersion: String
    package var variable: String
    package var psi: Double
    package var threshold: Double
    package var windowFrom: String
    package var windowUntil: String
    package var windowCount: Int
    package var baselineSource: String
    package var baselineFrom: String
    package var baselineUntil: String
    package var baselineCount: Int

    /// The crossings of a drift report, in the report's variable order.
    package static func crossings(_ report: DriftMonitor.Report, threshold: Double) -> [MonitorRecord] {
        report.crossings.compactMap { variable in
            guard let psi = variable.psi else { return nil }
            return MonitorRecord(
                modelVersion: report.modelVersion, variable: variable.name, psi: psi, threshold: threshold, windowFrom: report.windowFrom,
                windowUntil: report.windowUntil, windowCount: variable.currentCount, baselineSource: report.baselineSource,
                baselineFrom: report.baselineFrom, baselineUntil: report.baselineUntil, baselineCount: variable.baselineCount)
        }
    }

    /// The record's id.
    package var monitorID: String {
        let hash = StableHash.of("drift|\(modelVersion)|\(variable)|\(windowUntil)")
        let hex = String(hash, radix: 16)
        return "mn_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The record's bytes.
    package var bytes: [UInt8] {
        let value: JSONValue = .object([
            "schema_version": .int(Self.schemaVersion),
            "kind": .string(Self.driftKind),
            "monitor_id": .string(monitorID),
            "model_version": .string(modelVersion),
            "variable": .string(variable),
            "psi": .number(psi),
            "threshold": .number(threshold),
            "window": .object(["from": .string(windowFrom), "until": .string(windowUntil), "count": .int(windowCount)]),
            "baseline": .object([
                "source": .string(baselineSource), "from": .string(baselineFrom), "until": .string(baselineUntil),
                "count": .int(baselineCount),
            ]),
        ])
        return CanonicalJSON.encode(value) + [UInt8(ascii: "\n")]
    }
}
