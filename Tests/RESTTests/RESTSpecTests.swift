import Foundation
import Testing

@testable import REST

/// The OpenAPI document and the router agree: every documented operation is
/// routed, and the document's paths are the router's.
@Suite("REST: the OpenAPI document matches the routes")
struct RESTSpecTests {
    @Test("every documented operation reaches a handler (never NOT_FOUND or METHOD_NOT_ALLOWED)")
    func everyOperationIsRouted() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let document = try #require(OpenAPIDocument.text)
        let routes = AllowedMethods(openAPI: document).routes
        #expect(routes.count == 23, "paths in docs/openapi.yaml")
        var operations = 0
        for route in routes {
            let path = "/" + route.segments.map { $0.hasPrefix("{") ? "x" : String($0) }.joined(separator: "/")
            for method in route.methods {
                let body: String? = method == "GET" || method == "DELETE" ? nil : "{}"
                let reply = try await rest.send(method, path, json: body)
                #expect(!["NOT_FOUND", "METHOD_NOT_ALLOWED"].contains(reply.code ?? ""), "\(method) \(path): \(reply.text)")
                #expect(reply.status < 500, "\(method) \(path)")
                operations += 1
            }
        }
        #expect(operations == 31)
    }
}
