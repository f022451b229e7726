extension CaseIterable where Self: Equatable, AllCases: RandomAccessCollection {
    /// Position in `allCases`, the enum's snapshot encoding.
    var snapshotOrdinal: UInt8 {
        UInt8(Self.allCases.distance(from: Self.allCases.startIndex, to: Self.allCases.firstIndex(of: self)!))
    }
}
