import Hummingbird
import Model

/// Responses with a body and its content type.
enum Responses {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, type: "application/json; charset=utf-8", status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, type: "text/html; charset=utf-8", status: status)
    }

    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, type: type, status: status)
    }

    private static func body(_ text: String, type: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// JSON string quoting (the one the flaky report uses).
enum JSONQuote {
    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
