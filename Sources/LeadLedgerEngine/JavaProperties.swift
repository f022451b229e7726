import Foundation

/// Reads Java `.properties` text, the format of the Kafka tools' `--command-config`
/// files (and of kcat's `-F`): one `key=value` (or `key: value`, or `key value`)
/// per line; `#` and `!` start a comment line; blank lines are skipped; white
/// space around the key and before the value is dropped; a line ending in an odd
/// number of backslashes continues on the next; `\t`, `\n`, `\r`, `\f`, `\uXXXX`
/// and `\<char>` are escapes. A later line with the same key wins.
package enum JavaProperties {
    /// Parses properties text.
    package static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in logicalLines(text) {
            let (key, value) = split(line)
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    /// Reads a properties file.
    /// - Throws: `invalidConfiguration` naming the path when it cannot be read.
    package static func load(path: String) throws(EngineError) -> [String: String] {
        do {
            return parse(try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw EngineError(.invalidConfiguration, context: path, "cannot read the client properties file: \(error.localizedDescription)")
        }
    }

    /// Joins continued lines and drops comments and blank lines; leading white
    /// space of every physical line is removed.
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var pending: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let physical = String(raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
            if pending == nil && (physical.isEmpty || physical.hasPrefix("#") || physical.hasPrefix("!")) { continue }
            let trailing = physical.reversed().prefix { $0 == "\\" }.count
            let content = trailing % 2 == 1 ? String(physical.dropLast()) : physical
            let joined = (pending ?? "") + content
            if trailing % 2 == 1 {
                pending = joined
            } else {
                lines.append(joined)
                pending = nil
            }
        }
        if let pending { lines.append(pending) }
        return lines
    }

    /// Splits a logical line at the first unescaped `=`, `:` or white space and unescapes both sides.
    static func split(_ line: String) -> (key: String, value: String) {
        let characters = Array(line)
        var index = 0
        var escaped = false
        while index < characters.count {
            let c = characters[index]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "=" || c == ":" || c == " " || c == "\t" || c == "\u{0C}" {
                break
            }
            index += 1
        }
        let key = unescape(characters[..<index])
        var rest = index
        while rest < characters.count, characters[rest] == " " || characters[rest] == "\t" || characters[rest] == "\u{0C}" { rest += 1 }
        if rest < characters.count, characters[rest] == "=" || characters[rest] == ":" {
            rest += 1
            while rest < characters.count, characters[rest] == " " || characters[rest] == "\t" || characters[rest] == "\u{0C}" { rest += 1 }
        }
        return (key, unescape(characters[rest...]))
    }

    static func unescape(_ characters: ArraySlice<Character>) -> String {
        var out = ""
        var iterator = characters.makeIterator()
        while let c = iterator.next() {
            guard c == "\\", let next = iterator.next() else {
                if c != "\\" { out.append(c) }
                continue
            }
            switch next {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "u":
                var hex = ""
                while hex.count < 4, let h = iterator.next() { hex.append(h) }
                if hex.count == 4, let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\\u" + hex
                }
            default: out.append(next)
            }
        }
        return out
    }
}
