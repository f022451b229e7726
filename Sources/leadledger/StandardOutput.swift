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
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes every byte (a short write is continued; an error, such as a closed pipe, ends it).
    static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(1, base + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
