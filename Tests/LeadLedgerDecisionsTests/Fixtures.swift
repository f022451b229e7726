import Foundation
import LeadLedgerCore
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
            throw FixtureError(message: "no Python for reference fixtures: set LEADLEDGER_PYTHON or run scripts/bootstrap to create \(venv)")
        }
        return venv
    }

    static func generate() throws -> Fixtures {
        let python = try python()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-decisions-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = repositoryRoot.appendingPathComponent("Tests/LeadLedgerDecisionsTests/Scripts/make_fixtures.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, dir.path]
        var env = ProcessInfo.processInfo.environment
        env["OMP_NUM_THREADS"] = "1"
        process.environment = env
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "make_fixtures.py failed (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            files[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        guard let casesData = files["cases.json"] else { throw FixtureError(message: "make_fixtures.py wrote no cases.json") }
        return Fixtures(files: files, cases: try JSONParser.parse(casesData, source: "cases.json"))
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
