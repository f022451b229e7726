extension Array where Element: Sendable {
    /// The results of `transform` over the elements, computed with at most `jobs`
    /// running at once, in the elements' order (so a report built from them reads
    /// the same whatever finished first). The first error cancels the rest.
    package func concurrentMap<Result: Sendable>(
        jobs: Int, _ transform: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        let width = Swift.max(1, Swift.min(jobs, count))
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: count)
            var next = 0
            while next < width {
                let index = next
                let element = self[index]
                group.addTask { (index, try await transform(element)) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < count {
                    let index = next
                    let element = self[index]
                    group.addTask { (index, try await transform(element)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
