import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// Every configuration file the decisions layer reads goes through one YAML
/// reader that refuses a key it does not know, naming the file, the key path
/// and the keys it knows; the same files without the typo load.
@Suite("Configuration keys")
struct ConfigurationKeyTests {
    static let points = """
        name: fit
        groups:
          - name: size
            cap: 10
            rules:
              - {feature: employees, between: [200, 5000], points: 8}
        """
    static let schema = try! FeatureSchema(["employees", "page_views_30d"])

    /// One kind of file: how to load it and a valid text.
    enum Kind: String, CaseIterable, Sendable {
        case scoring, routing, points, directions

        var valid: String {
            switch self {
            case .scoring: DecisionFixtures.scoringYAML
            case .routing: DecisionFixtures.routingYAML
            case .points: ConfigurationKeyTests.points
            case .directions: "default: free\nfeatures:\n  employees: positive\n"
            }
        }

        func load(_ text: String, source: String) throws {
            let data = Data(text.utf8)
            switch self {
            case .scoring: _ = try ScoringConfiguration.load(yaml: data, source: source)
            case .routing: _ = try RoutingRules.load(yaml: data, source: source)
            case .points: _ = try RuleModel.load(yaml: data, source: source, schema: ConfigurationKeyTests.schema)
            case .directions: _ = try FeatureDirections.load(yaml: data, source: source)
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func aValidFileLoads(kind: Kind) throws {
        try kind.load(kind.valid, source: "\(kind).yaml")
    }

    /// (kind, text with a misspelt key, the key's path, a key the error lists as known).
    static let typos: [(Kind, String, String, String)] = [
        (.scoring, DecisionFixtures.scoringYAML + "\ntop_kk: 3\n", "top_kk", "top_k"),
        (
            .scoring, DecisionFixtures.scoringYAML.replacingOccurrences(of: "min_employees: 5000", with: "min_employes: 5000"),
            "gate.review.min_employes", "min_employees"
        ),
        (
            .scoring,
            DecisionFixtures.scoringYAML
                + "\ncustom_features:\n  - {field: Budget__c, kind: categorical, values: [high], directon: positive}\n",
            "custom_features[0].directon", "direction"
        ),
        (
            .routing,
            DecisionFixtures.routingYAML.replacingOccurrences(of: "{id: rep_a, weight: 2, capacity: 3}", with: "{id: rep_a, capacty: 3}"),
            "territories[0].owners[0].capacty", "capacity"
        ),
        (
            .routing, DecisionFixtures.routingYAML + "\nholdout: {fraction: 0.1, key: k, baseline: nurture}\n", "holdout.baseline",
            "baseline_tier"
        ),
        (.points, points.replacingOccurrences(of: "cap: 10", with: "cpa: 10"), "groups[0].cpa", "cap"),
        (.directions, "defualt: free\nfeatures: {employees: positive}\n", "defualt", "default"),
    ]

    @Test(arguments: typos)
    func aMisspeltKeyIsRefusedWithItsPathAndTheKnownKeys(kind: Kind, text: String, path: String, known: String) throws {
        do {
            try kind.load(text, source: "conf/\(kind).yaml")
            Issue.record("\(kind) with '\(path)' must not load")
        } catch let error as DecisionsError {
            #expect(error.code == .invalidConfig)
            #expect(error.file == "conf/\(kind).yaml" && error.field == path && error.line != nil, "\(error)")
            #expect(error.message.contains("unknown key '\(path)'"), "\(error)")
            let listed = (error.message.components(separatedBy: "known keys: ").dropFirst().first ?? "").dropLast()
            let keys = listed.components(separatedBy: ", ")
            #expect(keys.contains(known) && !keys.contains(String(path.split(separator: ".").last!)), "\(error)")
        }
    }

    @Test func typedAccessorsCheckTypesAndBounds() throws {
        let r = YAMLReader(source: "t.yaml")
        #expect(try r.document(Data("# only a comment\n".utf8)) == nil)
        let root = try r.root(Data("port: 70000\nsmall: 5\nprops: {linger.ms: 5, acks: all}\nname: ''\n".utf8))
        let members = Dictionary(uniqueKeysWithValues: try r.mapping(root, "", known: nil).map { ($0.key, $0.node) })
        #expect(try r.integer(members["small"]!, "small", min: 1, max: 10) == 5)
        #expect(try r.textMap(members["props"]!, "props") == ["linger.ms": "5", "acks": "all"])
        #expect(throws: DecisionsError.self) { let _: Int16 = try r.integer(members["port"]!, "port") }
        #expect(throws: DecisionsError.self) { try r.string(members["name"]!, "name") }
        #expect(try r.text(members["name"]!, "name") == "")
        do {
            _ = try r.mapping(root, "", known: ["port", "small", "props"], deprecated: ["name"])
        } catch {
            Issue.record("a deprecated key is accepted: \(error)")
        }
        #expect(throws: DecisionsError.self) { try r.mapping(root, "", known: ["port", "small", "props"]) }
    }
}
