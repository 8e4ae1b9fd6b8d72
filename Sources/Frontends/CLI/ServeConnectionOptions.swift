import ArgumentParser
import Glibc
import WireServer

/// `holdfast serve`'s limits on wire connections.
struct ServeConnectionOptions: ParsableArguments {
    @Option(help: "Most wire connections open at once; more are closed at once and counted.")
    var connectionsMax = WireServerConfiguration.connectionsMaxDefault

    func validate() throws {
        guard (1...1_000_000).contains(connectionsMax) else {
            throw ValidationError("--connections-max must be 1...1000000")
        }
    }

    /// Raises the open-files limit to its hard limit; warns when that cannot hold
    /// `connectionsMax` connections besides the node's own files. Returns the limit.
    func raiseOpenFilesLimit(log: ServeLog) -> UInt64 {
        let openFilesMax = OpenFilesLimit.raiseToHardLimit()
        let reserved = OpenFilesLimit.reservedDescriptors
        if openFilesMax < UInt64(connectionsMax) + reserved {
            log.warning(
                "the open-files limit (\(openFilesMax)) is below --connections-max (\(connectionsMax)) plus \(reserved); raise the hard limit (ulimit -Hn, systemd LimitNOFILE=)",
                ["event": "open_files_low", "open_files_max": .stringConvertible(openFilesMax)])
        }
        return openFilesMax
    }
}

/// The process's limit on open files (RLIMIT_NOFILE), which bounds connections.
enum OpenFilesLimit {
    /// Descriptors the node needs besides connections: log segments, snapshots, listeners, REST.
    static let reservedDescriptors: UInt64 = 256

    /// Raises the soft limit to the hard limit; returns the soft limit in force afterwards.
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(openFilesResource, &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(openFilesResource, &raised) == 0 { return UInt64(raised.rlim_max) }
        }
        return UInt64(limit.rlim_cur)
    }

    private static var openFilesResource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}
