/// An instant in event time: milliseconds since the Unix epoch, UTC.
///
/// LeadLedger never reads the wall clock (SPEC §8); every time comes from an
/// event. Parsing and formatting are implemented here (no `DateFormatter`) so
/// they are locale-free, fast and identical on every platform.
package struct EventTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    package var milliseconds: Int64

    /// Creates an instant from epoch milliseconds.
    package init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates an instant from epoch seconds.
    package init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    package static func < (a: EventTime, b: EventTime) -> Bool { a.milliseconds < b.milliseconds }

    /// RFC 3339 in UTC with milliseconds, e.g. `2024-03-05T10:15:30.123Z`.
    package var description: String { rfc3339 }

    /// RFC 3339 in UTC with exactly three fractional digits (the one format outputs use).
    package var rfc3339: String {
        var ms = milliseconds
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        ms -= days * 86_400_000
        let (y, m, d) = EventTime.civil(fromDays: days)
        days = 0
        let h = ms / 3_600_000
        let mi = (ms / 60_000) % 60
        let s = (ms / 1000) % 60
        let f = ms % 1000
        if y >= 0, y <= 9999 {
            // Fixed-width digits written in place (same text as the padded form below).
            return String(unsafeUninitializedCapacity: 24) { b in
                func put(_ v: Int64, _ w: Int, _ at: Int) {
                    var v = v
                    for k in stride(from: at + w - 1, through: at, by: -1) {
                        b[k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                        v /= 10
                    }
                }
                put(y, 4, 0)
                b[4] = 0x2D
                put(m, 2, 5)
                b[7] = 0x2D
                put(d, 2, 8)
                b[10] = 0x54
                put(h, 2, 11)
                b[13] = 0x3A
                put(mi, 2, 14)
                b[16] = 0x3A
                put(s, 2, 17)
                b[19] = 0x2E
                put(f, 3, 20)
                b[23] = 0x5A
                return 24
            }
        }
        func pad(_ v: Int64, _ w: Int) -> String {
            let t = String(v)
            return t.count >= w ? t : String(repeating: "0", count: w - t.count) + t
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(f, 3))Z"
    }

    /// Parses an RFC 3339 date-time: `YYYY-MM-DD(T|t| )hh:mm:ss(.fraction)?(Z|z|±hh:mm)`.
    /// Fractions beyond milliseconds are truncated; leap second `:60` is read as `:59.999`.
    /// Returns nil for anything else, including impossible dates (Feb 30, month 13).
    package static func parseRFC3339(_ text: String) -> EventTime? {
        var t = text
        return t.withUTF8 { b -> EventTime? in
            func num(_ at: Int, _ n: Int) -> Int64? {
                guard at + n <= b.count else { return nil }
                var v: Int64 = 0
                for i in at..<(at + n) {
                    let c = b[i]
                    guard c >= 48, c <= 57 else { return nil }
                    v = v * 10 + Int64(c - 48)
                }
                return v
            }
            guard b.count >= 20,
                let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2), b[7] == UInt8(ascii: "-"),
                let d = num(8, 2),
                b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
                let h = num(11, 2), b[13] == UInt8(ascii: ":"), let mi = num(14, 2), b[16] == UInt8(ascii: ":"),
                let s = num(17, 2)
            else { return nil }
            guard (1...12).contains(mo), d >= 1, d <= daysIn(year: y, month: mo), h <= 23, mi <= 59, s <= 60 else { return nil }
            var i = 19
            var frac: Int64 = 0
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var n = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if n < 3 { frac = frac * 10 + Int64(b[i] - 48) }
                    n += 1
                    i += 1
                }
                guard n > 0 else { return nil }
                if n == 1 { frac *= 100 } else if n == 2 { frac *= 10 }
            }
            guard i < b.count else { return nil }
            var offsetMinutes: Int64 = 0
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2),
                    oh <= 23, om <= 59
                else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
                i += 6
            } else {
                return nil
            }
            guard i == b.count else { return nil }
            var sec = s
            if sec == 60 {
                sec = 59
                frac = 999
            }
            let days = daysFromCivil(y, mo, d)
            let total = ((days * 24 + h) * 60 + mi - offsetMinutes) * 60 + sec
            return EventTime(milliseconds: total * 1000 + frac)
        }
    }

    static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(year y: Int64, month m: Int64) -> Int64 {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
