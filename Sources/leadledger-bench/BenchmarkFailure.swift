/// An error that ends a benchmark or the chaos harness early (the harness exits with status 2).
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
