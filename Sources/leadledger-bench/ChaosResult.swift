/// What the chaos harness found: one line per check, and the totals of its
/// last line (`kills N, lost L, divergent D, duplicates X`).
struct ChaosResult {
    /// One check's outcome, printed as `check NAME: ok|FAILED — detail`.
    struct Check {
        var name: String
        var passed: Bool
        var detail: String
    }

    var checks: [Check] = []
    var notes: [String] = []
    var lost = 0
    var divergent = 0
    var duplicates = 0

    var passed: Bool { lost == 0 && divergent == 0 && checks.allSatisfy(\.passed) }

    mutating func check(_ name: String, _ passed: Bool, _ detail: String) {
        checks.append(Check(name: name, passed: passed, detail: detail))
    }

    mutating func note(_ text: String) {
        notes.append(text)
    }

    var lines: [String] {
        notes + checks.map { "check \($0.name): \($0.passed ? "ok" : "FAILED") — \($0.detail)" }
    }
}
