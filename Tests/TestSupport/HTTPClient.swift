import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response of ``httpRequest(port:method:path:headers:body:)``.
package struct HTTPTestResponse: Sendable {
    /// The status code.
    package var status: Int
    /// The header fields, names lowercased.
    package var headers: [String: String]
    /// The body as text.
    package var body: String
}

/// One HTTP/1.1 request to 127.0.0.1:`port` over a plain socket (`Connection:
/// close`, read to the end; 60 s receive timeout: a hang guard, generous because a loaded 2-core CI machine can starve a server of CPU for seconds). Runs on a Dispatch thread, so
/// it never blocks the tests' cooperative pool.
package func httpRequest(port: Int, method: String = "GET", path: String, headers: [String: String] = [:], body: String? = nil)
    async throws -> HTTPTestResponse
{
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(
                with: Result { try httpRequestBlocking(port: port, method: method, path: path, headers: headers, body: body) })
        }
    }
}

private func httpRequestBlocking(port: Int, method: String, path: String, headers: [String: String], body: String?) throws
    -> HTTPTestResponse
{
    #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw TestFailure("socket() failed") }
    defer { close(descriptor) }
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw TestFailure("connect to 127.0.0.1:\(port) failed (errno \(errno))") }
    var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
        request += "\(name): \(value)\r\n"
    }
    if let body { request += "Content-Length: \(body.utf8.count)\r\n" }
    request += "\r\n" + (body ?? "")
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let written = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard written > 0 else { throw TestFailure("send failed (errno \(errno))") }
        sent += written
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw TestFailure("recv failed (errno \(errno))") }
        if count == 0 { break }
        received += buffer[0..<count]
    }
    let text = String(decoding: received, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw TestFailure("no HTTP response: \(text.prefix(200))") }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let statusParts = head.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestFailure("bad status line: \(head.first ?? "")") }
    var fields: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPTestResponse(status: status, headers: fields, body: String(text[split.upperBound...]))
}
