import Foundation
import LeadLedgerCore
import TestSupport
import Testing

@testable import LeadLedgerDecisions

/// Reference data produced by `Scripts/make_fixtures.py` with the real
/// XGBoost, LightGBM and scikit-learn, generated once per test process into a
/// temporary directory, read into memory, and the directory removed.
struct Fixtures: Sendable {
    let files: [String: Data]
    let cases: JSONValue

    static let shared: Result<Fixtures, FixtureError> = Result { try generate() }.mapError { FixtureError(message: "\($0)") }

    static func load() throws -> Fixtures { try shared.get() }

    func data(_ name: String) throws -> Data {
        guard let d = files[name] else { throw FixtureError(message: "fixture file '\(name)' missing") }
        return d
    }

    func `case`(_ name: String) throws -> JSONValue {
        guard let c = cases[name] else { throw FixtureError(message: "fixture case '\(name)' missing") }
        return c
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `$LEADLEDGER_PYTHON`, else `<repo>/.venv/bin/python` (made by `scripts/bootstrap`).
    static func python() throws -> String {
        if let p = ProcessInfo.processInfo.environment["LEADLEDGER_PYTHON"], !p.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: p) else {
                throw FixtureError(message: "LEADLEDGER_PYTHON=\(p) is not an executable file")
            }
            return p
        }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw FixtureError(
                message: "no Python for reference fixtures: set LEADLEDGER_PYTHON or run scripts/bootstrap --tests to create \(venv)")
        }
        return venv
    }

    static func generate() throws -> Fixtures {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadledger-decisions-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = repositoryRoot.appendingPathComponent("Tests/LeadLedgerDecisionsTests/Scripts/make_fixtures.py").path
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try runPython([script, dir.path], what: "make_fixtures.py")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            files[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        guard let casesData = files["cases.json"] else { throw FixtureError(message: "make_fixtures.py wrote no cases.json") }
        return Fixtures(files: files, cases: try JSONParser.parse(casesData, source: "cases.json"))
    }
}

extension Fixtures {
    /// Runs the test venv's Python (``python()``) with `arguments` and one thread for
    /// the numeric libraries; its standard output. A non-zero exit throws with `what`
    /// and the process's standard error.
    static func runPython(_ arguments: [String], what: String) throws -> Data {
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        let result = try runProcessBlocking(try python(), arguments, environment: environment)
        guard result.status == 0 else {
            throw FixtureError(message: "\(what) failed (\(result.status)): \(result.stderr.suffix(4000))")
        }
        return Data(result.stdout.utf8)
    }
}

struct FixtureError: Error, CustomStringConvertible, Sendable {
    let message: String
    var description: String { message }
}

extension JSONValue {
    /// Numbers, with null as NaN.
    var doubles: [Double] { (array ?? []).map { $0 == .null ? .nan : ($0.double ?? .nan) } }
    /// A matrix of numbers, null as NaN.
    var matrix: [[Double]] { (array ?? []).map { $0.doubles } }
}

let featureNames = ["seniority", "employees_log", "page_views", "email_clicks", "intent", "days_since_touch"]
