import Auth
import Engine
import Foundation
import Logging
import REST
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A REST server on a free port over an in-memory engine, and a small HTTP client.
final class RESTHarness: Sendable {
    let runtime: ShardRuntime
    let server: RESTServer
    let base: String

    /// - Parameters:
    ///   - runtime: the engine behind the API; one in-memory shard per `shards` when nil.
    ///   - configure: changes to the REST configuration (limits, timeouts, metrics).
    static func start(
        ready: Bool = true, shards: Int = 1, runtime: ShardRuntime? = nil,
        configure: (inout RESTConfiguration) -> Void = { _ in }
    ) async throws -> RESTHarness {
        let runtime = runtime ?? ShardRuntime(shardCount: shards)
        var configuration = RESTConfiguration()
        configuration.port = 0
        configuration.metricsText = { "holdfast_test_metric 1\n" }
        configure(&configuration)
        var logger = Logger(label: "test.rest")
        logger.logLevel = .error
        let server = RESTServer(configuration: configuration, logger: logger)
        try await server.start()
        if ready { server.backend.markReady(runtime: runtime, authenticator: RESTHarness.authenticator) }
        return RESTHarness(runtime: runtime, server: server, base: "http://127.0.0.1:\(server.boundPort!)")
    }

    private init(runtime: ShardRuntime, server: RESTServer, base: String) {
        self.runtime = runtime
        self.server = server
        self.base = base
    }

    var port: Int { server.boundPort! }

    /// A raw TCP connection to the REST port.
    func connect() throws -> RawConnection { try RawConnection(port: port) }

    /// HS256 with a fixed test secret; `token(...)` makes tokens it accepts.
    static let secret = Array("rest-tests-secret-0123456789abcdef".utf8)
    static let authenticator: Authenticator = .tokens(TokenVerifier(keys: try! TokenKeys(hmacSecret: secret)))

    static func token(role: Role, store: String, subject: String = "tester", ttlSeconds: Int64 = 600) -> String {
        try! TokenIssuer.hs256(
            subject: subject, role: role, store: store, ttlSeconds: ttlSeconds,
            now: Int64(Date().timeIntervalSince1970), secret: secret)
    }

    static let adminToken = token(role: .admin, store: "*", subject: "admin")

    func stop() async {
        await server.shutdown()
        runtime.shutdown()
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
        var text: String { String(decoding: body, as: UTF8.self) }
        var code: String? { json["code"] as? String }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// Sends a request; `json` is sent as the body with Content-Type application/json.
    /// `token` is the bearer token (an admin's by default; nil sends none).
    func send(
        _ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:],
        token: String? = RESTHarness.adminToken
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await RESTHarness.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()
}
