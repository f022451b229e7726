import ArgumentParser
import LeadLedgerDecisions
import LeadLedgerEngine

/// `leadledger features`: a model version's feature list, by `feature_set`.
struct FeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Print a model version's features: the names an audit record's feature_set stands for.",
        discussion: """
            Audit records (schema_version 3) carry feature values and contributions as
            arrays in the model's feature order, named by feature_set (the first 16 hex
            digits of SHA-256 over the names joined by a line break), and reasons name a
            feature by its index. This prints that list for the configured model, or for
            --model-version V from the model registry (leadledger.models; the local
            model store when the registry cannot be read): index, name, component group,
            unit, direction and meaning. explain, watch, drift and serve resolve names
            the same way.

            EXIT STATUS
              0  printed
              3  unknown model version, a configuration that does not load, broker unreachable

            Examples:
              leadledger features --config leadledger.yaml
              leadledger features --config leadledger.yaml --model-version 0123456789abcdef --format json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The model version (default: the configured model).")
    var modelVersion: String?

    @Option(help: "Output format: text, or json (schemas/cli/features.schema.json).")
    var format: ReportFormat = .text

    func run() async throws {
        let logger = connection.makeLogger("leadledger.features")
        let configuration = try engine.resolve(connection)
        let configured = try configuration.decisionConfiguration()
        let decisions: DecisionConfiguration
        if let modelVersion, modelVersion != configured.modelVersion {
            let operations = ModelOperations(configuration: configuration, logger: logger)
            decisions = try operations.configuration(of: try await operations.lookup(modelVersion).bundle)
        } else {
            decisions = configured
        }
        let report = FeatureSetReport(decisions)
        switch format {
        case .json: StandardOutput.write(try ReportFormat.json(report))
        case .text: StandardOutput.write(report.text)
        }
    }
}
