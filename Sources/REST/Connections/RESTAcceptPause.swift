import Logging
import NIOCore
import NetworkSupport
import Observability

/// The REST listener's accept pause: the shared `AcceptPauseHandler`, counting
/// failed accepts in the REST connection metrics and logging each pause.
enum RESTAcceptPause {
    /// Puts the handler first on `listener`'s pipeline (where accept errors
    /// arrive first, and read requests leave last).
    static func install(
        on listener: any Channel, pause: TimeAmount, metrics: HTTPConnectionMetrics, logger: Logger
    ) async {
        let pauseMilliseconds = pause.nanoseconds / 1_000_000
        do {
            try await listener.eventLoop.submit {
                let handler = AcceptPauseHandler(pause: pause) { _ in
                    metrics.acceptErrors.increment()
                } onPause: { error in
                    logger.warning(
                        "REST accept failed; accepting paused",
                        metadata: ["error": "\(error)", "pause_ms": "\(pauseMilliseconds)", "open": "\(metrics.open)"])
                }
                try listener.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            logger.error("REST listener: cannot add the accept pause handler", metadata: ["error": "\(error)"])
        }
    }
}
