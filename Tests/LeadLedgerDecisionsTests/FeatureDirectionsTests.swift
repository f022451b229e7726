import Foundation
import Testing

@testable import LeadLedgerDecisions

@Suite("Feature directions files")
struct FeatureDirectionsTests {
    static func definitions() throws -> [FeatureDefinition] {
        var scoring = ScoringConfiguration()
        scoring.categorical = [CategoricalFeature(attribute: .leadSource, values: ["Ads", "Search"], separator: nil)]
        return try FeatureExtractor(scoring).definitions
    }

    @Test func listedFeaturesOverrideAndTheDefaultDecidesTheRest() throws {
        let definitions = try Self.definitions()
        let yaml = """
            default: free
            features:
              intent_contact: negative
              "lead_source=*": positive
            """
        let directions = try FeatureDirections.load(yaml: Data(yaml.utf8), source: "d.yaml")
        let signs = try directions.signs(for: definitions, source: "d.yaml")
        for (definition, sign) in zip(definitions, signs) {
            switch definition.name {
            case "intent_contact": #expect(sign == .negative)
            case "lead_source=Ads", "lead_source=Search": #expect(sign == .positive)
            default: #expect(sign == .free, "\(definition.name)")
            }
        }
        let declared = try FeatureDirections.load(yaml: Data("default: declared\nfeatures: {intent_contact: free}\n".utf8), source: "d")
        let declaredSigns = try declared.signs(for: definitions, source: "d")
        for (definition, sign) in zip(definitions, declaredSigns) {
            #expect(sign == (definition.name == "intent_contact" ? .free : definition.direction), "\(definition.name)")
        }
    }

    @Test func aNameThatIsNoFeatureAndABadDirectionAreErrorsWithTheField() throws {
        let typo = try FeatureDirections.load(yaml: Data("features: {intent_contct: free}\n".utf8), source: "d.yaml")
        do {
            _ = try typo.signs(for: try Self.definitions(), source: "d.yaml")
            Issue.record("accepted a name that is no feature")
        } catch let error as DecisionsError {
            #expect(error.field == "features.intent_contct" && error.file == "d.yaml")
        }
        for (yaml, field) in [
            ("features: {intent_contact: up}\n", "features.intent_contact"), ("default: maybe\nfeatures: {}\n", "default"),
            ("directions: {}\n", ""),
        ] {
            do {
                _ = try FeatureDirections.load(yaml: Data(yaml.utf8), source: "d.yaml")
                Issue.record("accepted \(yaml)")
            } catch let error as DecisionsError {
                #expect(field.isEmpty || error.field == field, "\(error)")
            }
        }
    }

    @Test func theShippedXEducationFileNamesOnlyCatalogueFeatures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("config/directions/xeducation.yaml")
        let directions = try FeatureDirections.load(yaml: try Data(contentsOf: path), source: path.path)
        let signs = try directions.signs(for: try Self.definitions(), source: path.path)
        #expect(signs.filter { $0 != .free }.count == 5)
    }
}
