import LeadLedgerCore

/// Drift of one model version's inputs and score: the PSI of each variable over
/// the latest event-time window against a baseline.
///
/// - The current window is `[end − window, end]`, `end` the latest sample time of
///   the model version (the window slides with the log's event time, not the clock).
/// - The baseline is the one given for the model version, else the version's first
///   window `[start, start + window)` (`start` its earliest sample time). When the log
///   spans less than two windows the two overlap; the report says so (`overlapping`).
/// - A variable `crosses` when its PSI is at least `threshold`.
package enum DriftMonitor {
    /// One variable's drift.
    package struct Variable: Sendable, Equatable, Encodable {
        package var name: String
        package var psi: Double?
        package var baselineCount: Int
        package var currentCount: Int
        package var crosses: Bool
    }

    /// One model version's drift.
    package struct Report: Sendable, Equatable, Encodable {
        package var modelVersion: String
        package var baselineFrom: String
        package var baselineUntil: String
        package var baselineSource: String
        package var windowFrom: String
        package var windowUntil: String
        package var samples: Int
        package var overlapping: Bool
        /// The score first, then the features by name.
        package var variables: [Variable]
        /// The largest PSI among the variables (nil when none could be computed).
        package var maxPSI: Double? { variables.compactMap(\.psi).max() }
        /// The variables whose PSI is at least the threshold.
        package var crossings: [Variable] { variables.filter(\.crosses) }
    }

    /// The reports of every model version in `samples`, sorted by model version.
    /// - Parameters:
    ///   - windowMilliseconds: the window length (default 7 days).
    ///   - baselines: stored baselines by model version; others use their first window.
    package static func reports(
        _ samples: [DriftSample], windowMilliseconds: Int64 = 7 * 86_400_000, threshold: Double = 0.2,
        baselines: [String: DriftBaseline] = [:], bins: Int = PopulationStability.defaultBins
    ) -> [Report] {
        var byModel: [String: [DriftSample]] = [:]
        for sample in samples { byModel[sample.modelVersion, default: []].append(sample) }
        return byModel.keys.sorted().map { model in
            report(
                model, byModel[model]!, windowMilliseconds: windowMilliseconds, threshold: threshold, baseline: baselines[model], bins: bins
            )
        }
    }

    static func report(
        _ model: String, _ samples: [DriftSample], windowMilliseconds: Int64, threshold: Double, baseline stored: DriftBaseline?, bins: Int
    ) -> Report {
        let start = samples.map(\.time).min()!
        let end = samples.map(\.time).max()!
        let windowFrom = EventTime(milliseconds: end.milliseconds - windowMilliseconds)
        let current = samples.filter { $0.time >= windowFrom }
        let firstUntil = EventTime(milliseconds: start.milliseconds + windowMilliseconds)
        let baseline =
            stored
            ?? DriftBaseline(
                modelVersion: model, samples: samples.filter { $0.time < firstUntil }, from: start, until: firstUntil, bins: bins)
        var names = Set(baseline.variables.keys)
        for sample in current { names.formUnion(sample.features.keys) }
        let ordered = [DriftSample.scoreName] + names.subtracting([DriftSample.scoreName]).sorted()
        let variables = ordered.map { name in
            let values = current.compactMap { $0.value(name) }
            let binning = baseline.variables[name]
            let psi = binning?.index(of: values)
            return Variable(
                name: name, psi: psi, baselineCount: binning?.count ?? 0, currentCount: values.count, crosses: (psi ?? 0) >= threshold)
        }
        return Report(
            modelVersion: model, baselineFrom: baseline.from, baselineUntil: baseline.until,
            baselineSource: stored == nil ? "first window" : "file", windowFrom: windowFrom.rfc3339, windowUntil: end.rfc3339,
            samples: current.count,
            overlapping: stored == nil && windowFrom < firstUntil, variables: variables)
    }
}
