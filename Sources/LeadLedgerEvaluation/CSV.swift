import Foundation
import LeadLedgerDecisions

/// RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF line ends.
enum CSV {
    /// The rows of `data`, each a list of fields (quotes removed, doubled quotes unescaped).
    static func parse(_ data: Data) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else {
                switch b {
                case 0x22: inQuotes = true
                case 0x2C:
                    row.append(String(decoding: field, as: UTF8.self))
                    field = []
                case 0x0D: break
                case 0x0A:
                    row.append(String(decoding: field, as: UTF8.self))
                    field = []
                    rows.append(row)
                    row = []
                default: field.append(b)
                }
            }
            i += 1
        }
        if inQuotes { throw DecisionsError(.invalidInput, "unterminated quoted field in CSV") }
        if !field.isEmpty || !row.isEmpty {
            row.append(String(decoding: field, as: UTF8.self))
            rows.append(row)
        }
        return rows
    }
}
