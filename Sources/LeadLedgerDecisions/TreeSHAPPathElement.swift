struct TreeSHAPPathElement: Sendable {
    var feature: Int = -1
    var zeroFraction: Double = 0
    var oneFraction: Double = 0
    var pweight: Double = 0
}
