import ArgumentParser
import Foundation
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import Synchronization

/// Writes to stdout with one write per call (no per-line flush cost).
enum StandardOutput {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
