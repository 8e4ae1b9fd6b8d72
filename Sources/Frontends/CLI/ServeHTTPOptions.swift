import ArgumentParser
import REST

/// `holdfast serve`'s REST connection limits: how long a client may take to
/// send a request head, how long an idle connection stays open, and how many
/// connections may be open at once.
struct ServeHTTPOptions: ParsableArguments {
    @Option(help: "Close a REST connection that sends no whole request head within this many seconds.")
    var httpHeaderTimeoutSeconds = RESTConfiguration().headerTimeoutSeconds

    @Option(help: "Close a REST connection with no request in progress after this many seconds.")
    var httpIdleTimeoutSeconds = RESTConfiguration().idleTimeoutSeconds

    @Option(help: "Open REST connections at most; more are closed at once and counted.")
    var httpConnectionsMax = RESTConfiguration().connectionsMax

    func validate() throws {
        guard (0.1...3_600).contains(httpHeaderTimeoutSeconds) else {
            throw ValidationError("--http-header-timeout-seconds must be 0.1...3600")
        }
        guard (0.1...86_400).contains(httpIdleTimeoutSeconds) else {
            throw ValidationError("--http-idle-timeout-seconds must be 0.1...86400")
        }
        guard (1...1_000_000).contains(httpConnectionsMax) else {
            throw ValidationError("--http-connections-max must be 1...1000000")
        }
    }

    func apply(to configuration: inout RESTConfiguration) {
        configuration.headerTimeoutSeconds = httpHeaderTimeoutSeconds
        configuration.idleTimeoutSeconds = httpIdleTimeoutSeconds
        configuration.connectionsMax = httpConnectionsMax
    }
}
