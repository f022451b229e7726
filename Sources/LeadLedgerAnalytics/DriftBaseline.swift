import LeadLedgerCore

/// Baseline distributions of the score and every feature of one model version:
/// the quantile bins drift is measured against. Stored as JSON (`baseline.json`,
/// written by `leadledger drift --write-baseline`) or taken from the first window
/// of the log.
package struct DriftBaseline: Sendable, Equatable, Codable {
    package var modelVersion: String
    /// The event-time range the baseline was taken from (RFC 3339), for the reader.
    package var from: String
    package var until: String
    /// The binning of each variable (``DriftSample/scoreName`` and the feature names).
    package var variables: [String: PopulationStability]

    package init(modelVersion: String, from: String, until: String, variables: [String: PopulationStability]) {
        self.modelVersion = modelVersion
        self.from = from
        self.until = until
        self.variables = variables
    }

    /// The baseline of `samples` (every variable any of them has), binned into `bins` quantile bins.
    package init(
        modelVersion: String, samples: [DriftSample], from: EventTime, until: EventTime, bins: Int = PopulationStability.defaultBins
    ) {
        var names: Set<String> = [DriftSample.scoreName]
        for sample in samples { names.formUnion(sample.features.keys) }
        var variables: [String: PopulationStability] = [:]
        for name in names {
            if let binning = PopulationStability(baseline: samples.compactMap { $0.value(name) }, bins: bins) {
                variables[name] = binning
            }
        }
        self.init(modelVersion: modelVersion, from: from.rfc3339, until: until.rfc3339, variables: variables)
    }
}
