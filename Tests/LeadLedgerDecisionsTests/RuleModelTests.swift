import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Rule model (YAML)")
struct RuleModelTests {
    let schema = try! FeatureSchema([
        "title_seniority", "employees", "industry_code", "is_free_mail", "page_views_30d", "days_since_last_engagement",
    ])

    let config = """
        name: fit
        levels:
          title_seniority: {individual: 0, manager: 1, director: 2, vp: 3, c_level: 4}
        groups:
          - name: seniority
            cap: 25
            rules:
              - {feature: title_seniority, op: ">=", value: director, points: 20}
              - {feature: title_seniority, op: equals, value: c_level, points: 10}
          - name: firmographics
            floor: -10
            rules:
              - {feature: industry_code, in: [3, 7, 11], points: 8}
              - {feature: employees, between: [200, 5000], points: 12}
              - {feature: is_free_mail, op: "==", value: 1, points: -25}
          - name: engagement
            cap: 40
            decay: {half_life_days: 14, age_feature: days_since_last_engagement}
            rules:
              - {feature: page_views_30d, op: ">=", value: 5, points: 10}
              - {feature: page_views_30d, op: ">=", value: 20, points: 50}
        """

    func row(_ seniority: Double, _ employees: Double, _ industry: Double, _ freeMail: Double, _ views: Double, _ age: Double) -> [Double] {
        [seniority, employees, industry, freeMail, views, age]
    }

    @Test("points, caps, floors, in, between, levels and decay")
    func scoring() throws {
        let model = try RuleModel.load(yaml: config, source: "fit.yaml", schema: schema)
        #expect(model.id == "fit@" + String(ContentVersion(of: Array(config.utf8)).sha256.prefix(12)))
        func score(_ r: [Double]) -> Double { r.withUnsafeBufferPointer { model.score($0) } }
        // c_level: 20 + 10 = 30 capped at 25; industry 7: +8; 1000 employees: +12; views 5 at age 0: +10
        #expect(score(row(4, 1000, 7, 0, 5, 0)) == 25 + 20 + 10)
        // director only: 20; free mail: -25 floored at -10; 60 views at age 14 (one half-life): (10+50)/2 = 30
        #expect(score(row(2, 10, 1, 1, 60, 14)) == 20 - 10 + 30)
        // engagement cap applies after decay: 60 points at age 0 → 40
        #expect(score(row(0, 5000, 3, 0, 60, 0)) == 0 + 20 + 40)
        // between is inclusive, missing values match nothing, a missing age gives no engagement credit
        #expect(score(row(.nan, 200, .nan, .nan, 60, .nan)) == 12)
        #expect(score(row(1, 199.5, 4, 0, 4, 0)) == 0)
    }

    @Test("per-rule explanations add up to the score, with caps and decay spread over the matching rules")
    func explanation() throws {
        let model = try RuleModel.load(yaml: config, source: "fit.yaml", schema: schema)
        #expect(model.ruleCount == 7)
        var perRule = [Double](repeating: .nan, count: model.ruleCount)
        let x = row(4, 1000, 7, 1, 60, 7)
        let total = x.withUnsafeBufferPointer { x in perRule.withUnsafeMutableBufferPointer { model.score(x, perRule: $0) } }
        #expect(total == x.withUnsafeBufferPointer { model.score($0) })
        #expect(abs(perRule.reduce(0, +) - total) < 1e-12)
        #expect(perRule[0] == 20 * 25 / 30 && perRule[1] == 10 * 25 / 30)
        #expect(perRule[2] == 8 && perRule[3] == 12 && perRule[4] == -25)
        // The floor binds: free mail alone is -25, floored at -10, all of it on that rule.
        let floored = row(0, 10, 1, 1, 0, 0)
        let t2 = floored.withUnsafeBufferPointer { x in perRule.withUnsafeMutableBufferPointer { model.score(x, perRule: $0) } }
        #expect(t2 == -10 && perRule[4] == -10 && perRule.reduce(0, +) == -10)
        #expect(model.ruleLabels[0] == "seniority: title_seniority >= director")
    }

    func loadError(_ yaml: String) -> DecisionsError? {
        do {
            _ = try RuleModel.load(yaml: yaml, source: "rules/fit.yaml", schema: schema)
            return nil
        } catch let e as DecisionsError {
            return e
        } catch {
            return nil
        }
    }

    @Test("a bad config fails at load naming file, line and field")
    func errors() throws {
        let unknownFeature = """
            name: fit
            groups:
              - name: g
                rules:
                  - feature: employees
                    op: ">="
                    value: 10
                    points: 5
                  - feature: revenue
                    op: ">="
                    value: 10
                    points: 5
            """
        let e1 = try #require(loadError(unknownFeature))
        #expect(e1.code == .invalidConfig && e1.file == "rules/fit.yaml" && e1.line == 9 && e1.field == "groups[0].rules[1].feature")
        #expect(e1.description.hasPrefix("rules/fit.yaml:9:"))
        #expect(e1.message.contains("revenue"))

        let badOp = "name: fit\ngroups:\n  - name: g\n    rules:\n      - {feature: employees, op: '=>', value: 1, points: 1}\n"
        let e2 = try #require(loadError(badOp))
        #expect(e2.line == 5 && e2.field == "groups[0].rules[0].op" && e2.message.contains("=>"))

        let badLevel =
            "name: fit\ngroups:\n  - name: g\n    rules:\n      - {feature: title_seniority, op: '>=', value: director, points: 1}\n"
        let e3 = try #require(loadError(badLevel))
        #expect(e3.line == 5 && e3.field == "groups[0].rules[0].value")

        let badPoints =
            "name: fit\ngroups:\n  - name: g\n    rules:\n      - feature: employees\n        in: [1, 2]\n        points: lots\n"
        let e4 = try #require(loadError(badPoints))
        #expect(e4.line == 7 && e4.field == "groups[0].rules[0].points")

        let unknownKey = "name: fit\ngroups:\n  - name: g\n    cap: 3\n    cpa: 4\n    rules: []\n"
        let e5 = try #require(loadError(unknownKey))
        #expect(e5.line == 5 && e5.field == "groups[0].cpa")

        let syntax = "name: fit\ngroups:\n  - name: g\n   rules: [\n"
        let e6 = try #require(loadError(syntax))
        #expect(e6.line != nil && e6.file == "rules/fit.yaml" && e6.message.contains("YAML"))

        let twoForms = "name: fit\ngroups:\n  - name: g\n    rules:\n      - {feature: employees, op: '>', value: 1, in: [2], points: 1}\n"
        #expect(try #require(loadError(twoForms)).line == 5)

        let duplicate =
            "name: fit\ngroups:\n  - name: g\n    rules:\n      - feature: employees\n        op: '>'\n        value: 1\n        points: 1\n        points: 2\n"
        let e7 = try #require(loadError(duplicate))
        // Yams reports duplicates itself, at the first of the duplicated keys (line 8).
        #expect(e7.line == 8 && e7.field == "points" && e7.message.contains("'points'"), "\(e7)")

        let noDecayAge =
            "name: fit\ngroups:\n  - name: g\n    decay: {half_life_days: 3}\n    rules:\n      - {feature: employees, op: '>', value: 1, points: 1}\n"
        #expect(try #require(loadError(noDecayAge)).field == "groups[0].decay")
    }

    @Test("the version is the SHA-256 of the bytes: any edit changes it")
    func versioning() throws {
        let a = try RuleModel.load(yaml: config, source: "a", schema: schema)
        let b = try RuleModel.load(yaml: config + "\n# comment\n", source: "b", schema: schema)
        #expect(a.version != b.version && a.name == b.name)
        #expect(a.version.sha256.count == 64 && a.version.short.count == 12)
    }
}

@Suite("SHA-256 and stable JSON")
struct EncodingTests {
    @Test("SHA-256 known answers (FIPS 180-4 examples)")
    func sha256() {
        #expect(ContentVersion(of: Array("".utf8)).sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentVersion(of: Array("abc".utf8)).sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            ContentVersion(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).sha256
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            ContentVersion(of: [UInt8](repeating: 0x61, count: 1_000_000)).sha256
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(
            ContentVersion(
                of: Array(
                    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)
            ).sha256
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test("stable JSON sorts keys, round-trips doubles exactly and refuses non-finite numbers")
    func stableJSON() throws {
        let values: [Double] = [0.1, -2.5e-300, 1e21, 123456789.125, 1.0 / 3.0, 0]
        let v: JSONValue = .object(["b": .array(values.map { .number($0) }), "a": .string("x\"\n"), "c": .int(-7)])
        let bytes = try StableJSON.encode(v)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("{\"a\":\"x\\\"\\n\",\"b\":[0.1,"))
        let back = try JSONParser.parse(bytes)
        #expect(back["b"]!.doubles == values)
        #expect(try StableJSON.encode(back) == bytes)
        #expect(throws: DecisionsError.self) { try StableJSON.encode(.number(.nan)) }
    }
}
