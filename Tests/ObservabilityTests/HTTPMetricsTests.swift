import Foundation
import Logging
import Testing

@testable import Observability

@Suite struct HTTPMetricsTests {
    @Test func requestsByRouteAndStatus() throws {
        let registry = MetricsRegistry()
        let http = try HTTPMetrics(registry: registry)
        let reserve = try http.route(method: "POST", route: "/api/v1/stores/{store}/reservations")
        #expect(try http.route(method: "POST", route: "/api/v1/stores/{store}/reservations") === reserve)
        let unmatched = try http.route(method: "GET", route: HTTPMetrics.unmatchedRoute)
        reserve.record(status: 201, durationNanoseconds: 400_000)
        reserve.record(status: 201, durationNanoseconds: 600_000)
        reserve.record(status: 409, durationNanoseconds: 300_000)
        unmatched.record(status: 404, durationNanoseconds: 10_000)
        unmatched.record(status: 1_000, durationNanoseconds: 10_000)

        let parsed = try PrometheusText(registry.render())
        let route = "/api/v1/stores/{store}/reservations"
        #expect(parsed.value("holdfast_http_requests_total", ["method": "POST", "route": route, "status": "201"]) == 2)
        #expect(parsed.value("holdfast_http_requests_total", ["method": "POST", "route": route, "status": "409"]) == 1)
        #expect(parsed.value("holdfast_http_requests_total", ["route": "unmatched", "status": "404"]) == 1)
        #expect(parsed.value("holdfast_http_requests_total", ["route": "unmatched", "status": "invalid"]) == 1)
        #expect(parsed.value("holdfast_http_request_duration_seconds_count", ["method": "POST", "route": route]) == 3)
        #expect(parsed.value("holdfast_http_request_duration_seconds_bucket", ["route": route, "le": "0.0005"]) == 2)
        #expect(throws: MetricsError.duplicateName("holdfast_http_request_duration_seconds")) {
            _ = try HTTPMetrics(registry: registry)
        }
    }

    @Test func requestLogLine() throws {
        let captured = CapturedLines()
        let log = Logger(label: "holdfast.rest") {
            JSONLogHandler(label: $0, sink: captured.sink, clock: LoggingTests.fixedClock)
        }
        log.info(
            "request",
            metadata: StructuredLogging.requestMetadata(
                requestID: "abc", method: "GET", path: "/healthz", status: 200, durationNanoseconds: 1_234_567))
        let line = try #require(try captured.objects().first)
        #expect(line["duration_ms"] as? Double == 1.235)
        #expect(line["status"] as? Int == 200)
        #expect(line["request_id"] as? String == "abc")
        #expect(line["event"] as? String == "request")
    }
}
