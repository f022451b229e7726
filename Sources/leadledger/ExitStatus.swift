import ArgumentParser
import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine

/// The exit statuses of `leadledger` (listed in `leadledger --help`).
enum ExitStatus {
    /// Done.
    static let success: Int32 = 0
    /// A check found differences or refused: `audit verify` differences, a `lag --wait`
    /// timeout, `train` refusing too little data, `run` refusing a log with finite retention.
    static let checkFailed: Int32 = 1
    /// The command line is wrong (unknown option, bad value); the usage is printed.
    static let usage: Int32 = 2
    /// The command could not do its work: broker unreachable, topic missing, delivery
    /// failed, a file unreadable or invalid. One line on stderr says why.
    static let runtime: Int32 = 3

    /// The status and what to print for an error that ended a command.
    static func outcome(of error: any Error, command: LeadLedgerCommand.Type) -> (status: Int32, message: String, toStandardOutput: Bool) {
        switch error {
        case let code as ExitCode:
            // The command printed its report already.
            return (code.rawValue, "", false)
        case let error as EngineError where error.code == .finiteLogRetention:
            return (checkFailed, "leadledger: refused: \(oneLine(error.description))", false)
        case let error as DecisionsError where error.code == .insufficientData:
            return (checkFailed, "leadledger: refused: \(oneLine(error.description))", false)
        case let error as ModelRegistryError where error.code == .refused:
            return (checkFailed, "leadledger: refused: \(oneLine(error.description))", false)
        default:
            break
        }
        let code = command.exitCode(for: error)
        if code == .success { return (success, command.fullMessage(for: error), true) }
        if code == .validationFailure { return (usage, command.fullMessage(for: error), false) }
        return (runtime, "leadledger: error: \(oneLine(String(describing: error)))", false)
    }

    /// `text` on one line: line breaks become spaces.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
