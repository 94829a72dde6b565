import Hummingbird

/// A request the dashboard answers with an error status and a message: `{"error": "…"}` on
/// `/api/…` and the probes, an HTML page elsewhere.
struct DashboardError: Error {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ message: String) -> Self { .init(status: .badRequest, message: message) }
    static func notFound(_ message: String) -> Self { .init(status: .notFound, message: message) }
}

/// Turns every error (ours, the router's "no route", a store failure) into a response of the
/// documented shape, so no client ever sees an empty 404 or 500.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DashboardError {
            return Self.response(error.status, error.message, path: request.uri.path)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "no such endpoint: \(request.method.rawValue) \(request.uri.path)"
                : error.body ?? error.status.reasonPhrase
            return Self.response(error.status, message, path: request.uri.path)
        } catch {
            return Self.response(.internalServerError, "\(error)", path: request.uri.path)
        }
    }

    static func response(_ status: HTTPResponse.Status, _ message: String, path: String) -> Response {
        if path.hasPrefix("/api/") || path == "/api" || ["/metrics", "/healthz", "/readyz"].contains(path) || !isPage(path) {
            return Responses.json("{\"error\": \(JSONQuote.quoted(message))}", status: status)
        }
        return Responses.html(HTMLLayout.page(title: "\(status.code) \(status.reasonPhrase)", nav: "",
                                              body: "<h1>\(status.code) \(status.reasonPhrase)</h1><p>\(HTMLLayout.escape(message))</p>"),
                              status: status)
    }

    /// Paths of the HTML pages (everything else answers JSON).
    static func isPage(_ path: String) -> Bool {
        path == "/" || path == "/flaky" || path == "/trends" || path.hasPrefix("/builds/")
    }
}
