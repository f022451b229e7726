/// Punycode (RFC 3492) and the IDNA label conversion LeadLedger needs to
/// compare internationalized domain names in their ASCII (`xn--`) form.
package enum Punycode {
    static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    static func adapt(_ delta0: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? delta0 / damp : delta0 / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    static func digit(_ d: Int) -> UInt8 { d < 26 ? UInt8(97 + d) : UInt8(22 + d) }  // a-z, 0-9

    /// Encodes a label's code points to Punycode (without the `xn--` prefix).
    /// Returns nil on arithmetic overflow (absurdly long input).
    package static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var out: [UInt8] = scalars.filter { $0 < 0x80 }.map { UInt8($0) }
        let b = out.count
        var h = b
        if b > 0 { out.append(UInt8(ascii: "-")) }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while h < scalars.count {
            let m = scalars.filter { $0 >= n }.min()!
            let (mul, o1) = (m - n).multipliedReportingOverflow(by: h + 1)
            if o1 { return nil }
            delta += mul
            n = m
            for c in scalars {
                if c < n {
                    delta += 1
                    if delta > Int(Int32.max) { return nil }
                }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        out.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    out.append(digit(q))
                    bias = adapt(delta, h + 1, h == b)
                    delta = 0
                    h += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Punycode (without the `xn--` prefix) back to Unicode; nil if invalid.
    package static func decode(_ input: String) -> String? {
        let bytes = Array(input.utf8)
        var output: [Int] = []
        let lastDash = bytes.lastIndex(of: UInt8(ascii: "-"))
        var i0 = 0
        if let d = lastDash {
            for c in bytes[..<d] {
                guard c < 0x80 else { return nil }
                output.append(Int(c))
            }
            i0 = d + 1
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        var pos = i0
        while pos < bytes.count {
            let oldi = i
            var w = 1
            var k = base
            while true {
                guard pos < bytes.count else { return nil }
                let c = bytes[pos]
                pos += 1
                let d: Int
                switch c {
                case 48...57: d = Int(c) - 22
                case 65...90: d = Int(c) - 65
                case 97...122: d = Int(c) - 97
                default: return nil
                }
                i += d * w
                if i > Int(Int32.max) { return nil }
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                w *= base - t
                if w > Int(Int32.max) { return nil }
                k += base
            }
            bias = adapt(i - oldi, output.count + 1, oldi == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, !(0xD800...0xDFFF).contains(n) else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var s = String.UnicodeScalarView()
        for c in output {
            guard let u = Unicode.Scalar(c) else { return nil }
            s.append(u)
        }
        return String(s)
    }

    /// IDNA ToASCII for one already lower-cased, NFC label: ASCII labels pass
    /// through; others become `xn--` + Punycode.
    package static func toASCII(label: String) -> String? {
        if label.utf8.allSatisfy({ $0 < 0x80 }) { return label }
        guard let p = encode(label) else { return nil }
        return "xn--" + p
    }
}
