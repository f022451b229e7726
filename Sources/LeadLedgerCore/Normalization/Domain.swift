extension String {
    func replacingAll(_ targets: [String], with r: String) -> String {
        var s = self
        if Text.isASCII(s) { return s }
        for t in targets where s.contains(t) { s = s.replacingOccurrences(of: t, with: r) }
        return s
    }
}
