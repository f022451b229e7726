import ArgumentParser
import Foundation
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import Synchronization

/// Installs the process's log handler once (the first command's format wins).
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(_ format: LogFormat) {
        done.withLock { done in
            guard !done else { return }
            done = true
            switch format {
            case .text: LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
            }
        }
    }
}
