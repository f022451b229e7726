/// Selection of the largest contributions by absolute value.
package enum TopContributions {
    /// Indices of the `k` entries of `values` with the largest `abs(value)`, in
    /// descending order of magnitude; ties broken by lower index first, zeros skipped.
    /// Deterministic, O(n·k), no allocation beyond the result.
    package static func indices(_ values: UnsafeBufferPointer<Double>, k: Int) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(k)
        indices(values, k: k, into: &result)
        return result
    }

    /// As ``indices(_:k:into:)``, among the features the row has: entries whose
    /// `row` value is 0 or missing (an absent one-hot category, an event the lead
    /// never had) are skipped, whatever their contribution. A standardized linear
    /// model gives such features a contribution too, but a reason must name what
    /// the lead has or did.
    package static func indices(
        _ values: UnsafeBufferPointer<Double>, k: Int, present row: UnsafeBufferPointer<Double>, into result: inout [Int]
    ) {
        select(values, k: k, present: row, into: &result)
    }

    /// As ``indices(_:k:)`` but writes into `result` (cleared first), to reuse its storage.
    package static func indices(_ values: UnsafeBufferPointer<Double>, k: Int, into result: inout [Int]) {
        select(values, k: k, present: nil, into: &result)
    }

    /// The one selection behind both overloads; inlined into each, so the
    /// `present` test is a constant branch, not a call per candidate.
    @inline(__always)
    private static func select(
        _ values: UnsafeBufferPointer<Double>, k: Int, present row: UnsafeBufferPointer<Double>?, into result: inout [Int]
    ) {
        result.removeAll(keepingCapacity: true)
        guard k > 0 else { return }
        // Selected in a stack buffer (no array bookkeeping per candidate), then appended at once.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { top in
            var count = 0
            for i in 0..<values.count {
                let m = abs(values[i])
                guard m > 0 else { continue }
                if let row {
                    let x = row[i]
                    guard x != 0, !x.isNaN else { continue }
                }
                if count == k {
                    guard m > abs(values[top[k - 1]]) else { continue }
                    count -= 1
                }
                var pos = count
                while pos > 0 && abs(values[top[pos - 1]]) < m {
                    top[pos] = top[pos - 1]
                    pos -= 1
                }
                top[pos] = i
                count += 1
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: top[0..<count]))
        }
    }
}
