import Foundation
import LeadLedgerCore
import TestSupport

/// Paths of the repository, found from this file's location.
enum Repo {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures")
    static let schemas = root.appendingPathComponent("schemas")

    /// All fixture files under `Fixtures/<topic>/<valid|invalid>/`, sorted.
    static func fixtureFiles() -> [(topic: String, valid: Bool, url: URL)] {
        let fm = FileManager.default
        var out: [(String, Bool, URL)] = []
        let topics = (try? fm.contentsOfDirectory(atPath: fixtures.path))?.sorted() ?? []
        for topic in topics {
            for kind in ["valid", "invalid"] {
                let dir = fixtures.appendingPathComponent(topic).appendingPathComponent(kind)
                let names = (try? fm.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
                for n in names where n.hasSuffix(".json") {
                    out.append((topic, kind == "valid", dir.appendingPathComponent(n)))
                }
            }
        }
        return out
    }
}

/// Runs the independent validator (Python `jsonschema`) on (schema name, file) pairs.
enum PythonValidator {
    struct Verdict: Decodable {
        let valid: Bool
        let error: String?
    }

    enum Failure: Error, CustomStringConvertible {
        case noPython(String)
        case failed(String)
        var description: String {
            switch self {
            case .noPython(let s), .failed(let s): s
            }
        }
    }

    /// `$LEADLEDGER_PYTHON`, else `<repo>/.venv/bin/python`.
    static func python() throws -> String {
        if let p = ProcessInfo.processInfo.environment["LEADLEDGER_PYTHON"], !p.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: p) else {
                throw Failure.noPython("LEADLEDGER_PYTHON=\(p) is not an executable")
            }
            return p
        }
        let venv = Repo.root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw Failure.noPython(
                """
                No Python with jsonschema found: set LEADLEDGER_PYTHON or run scripts/bootstrap --tests \
                (expected \(venv)). The schema tests need an independent validator and do not skip.
                """)
        }
        return venv
    }

    /// Validates every (schema, path) pair in one Python process.
    static func validate(_ pairs: [(schema: String, path: String)]) throws -> [String: Verdict] {
        let python = try python()
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("leadledger-fixtures-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).tsv")
        try pairs.map { "\($0.schema)\t\($0.path)" }.joined(separator: "\n").write(to: tmp, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try runProcessBlocking(
            python, [Repo.testsDir.appendingPathComponent("validate_fixtures.py").path, Repo.schemas.path, tmp.path])
        guard result.status == 0 else {
            throw Failure.failed("validator exited \(result.status): \(result.stderr)")
        }
        let data = Data(result.stdout.utf8)
        return try JSONDecoder().decode([String: Verdict].self, from: data)
    }
}

extension Array where Element == UInt8 {
    init(_ s: String) { self = Array(s.utf8) }
}
