import Hummingbird
import LeadLedgerCore
import NIOCore

/// The operations server's JSON responses.
enum OperationsResponse {
    /// A JSON error response.
    static func error(_ status: HTTPResponse.Status, _ reason: String, headers: HTTPFields = [:]) -> Response {
        let body: JSONValue = .object(["error": .string(reason), "status": .int(status.code)])
        return respond(status, CanonicalJSON.encode(body) + [UInt8(ascii: "\n")], headers: headers)
    }

    /// A health report as JSON: 200 when it passes, else 503.
    static func json(_ report: HealthReport) -> Response {
        respond(report.ok ? .ok : .serviceUnavailable, report.json)
    }

    private static func respond(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
