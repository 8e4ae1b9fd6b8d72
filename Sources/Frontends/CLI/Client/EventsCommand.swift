import ArgumentParser
import Foundation
import HoldfastClient

/// `holdfast events tail`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Read the change stream of a running server.",
        discussion: ClientExitCode.summary,
        subcommands: [EventsTailCommand.self])
}

/// Prints a shard's events (or one store's) from an LSN on, one line each;
/// with `--follow`, keeps polling for new ones.
struct EventsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a shard's (or a store's) events after an LSN, one line each; --follow keeps polling.",
        discussion: """
            Give --shard, or --store (its shard is found from the server's shard count, and only its \
            events are printed). The server keeps a window of recent events per shard: a follower that \
            falls behind its oldest retained LSN gets a warning on standard error and continues from \
            there, and must resynchronise what it missed (e.g. with `stock get`). With --json, prints one \
            JSON object per line.
            """)

    @OptionGroup var connection: ClientOptions

    @Option(help: "Shard to follow (0-based).")
    var shard: Int?

    @Option(help: "Follow this store's shard, printing only this store's events.")
    var store: String?

    @Option(help: "Print events with LSN after this one.")
    var after: UInt64 = 0

    @Flag(help: "Keep polling for new events until interrupted.")
    var follow = false

    @Option(help: "Milliseconds between polls once caught up (with --follow).")
    var intervalMilliseconds = 500

    @Option(help: "Events asked for per request (1...10000).")
    var pageSize = 1_000

    @Option(help: "Stop after printing this many events.")
    var maxEvents: Int?

    func validate() throws {
        guard shard != nil || store != nil else { throw ValidationError("give --shard or --store") }
        if let shard { guard shard >= 0 else { throw ValidationError("--shard must be 0 or more") } }
        guard (1...WireLimits.eventsPerPageMax).contains(pageSize) else {
            throw ValidationError("--page-size must be 1...\(WireLimits.eventsPerPageMax)")
        }
        guard intervalMilliseconds >= 10 else { throw ValidationError("--interval-milliseconds must be at least 10") }
        if let maxEvents { guard maxEvents >= 1 else { throw ValidationError("--max-events must be at least 1") } }
    }

    func run() async throws {
        let client = try connection.makeClient()
        var failure: HoldfastClientError?
        do throws(HoldfastClientError) {
            try await tail(client)
        } catch {
            failure = error
        }
        await client.close()
        if let failure { throw connection.fail(failure) }
    }

    /// Prints pages until caught up (or, with --follow, forever) or --max-events.
    private func tail(_ client: HoldfastClient) async throws(HoldfastClientError) {
        let shard = try await resolvedShard(client)
        var position = after
        var printed = 0
        if !connection.json { print(EventLine.header) }
        while true {
            let reply = try await client.events(shard: shard, after: position, limit: pageSize, store: store)
            warnIfBehind(position: position, page: reply.page)
            for event in reply.page.events {
                let line = EventLine(event)
                print(connection.json ? OperatorOutput.json(line, compact: true) : line.text)
                printed += 1
                if let maxEvents, printed >= maxEvents { return }
            }
            position = max(position, reply.nextAfterLSN)
            let caughtUp = position >= reply.page.newestLSN
            guard caughtUp else { continue }
            guard follow else { return }
            fflush(nil)  // all streams: a pipe reader sees each page as it comes
            try? await Task.sleep(for: .milliseconds(intervalMilliseconds))
        }
    }

    private func resolvedShard(_ client: HoldfastClient) async throws(HoldfastClientError) -> Int {
        guard let store else { return shard! }
        let storeShard = try await client.shard(ofStore: store)
        if let shard, shard != storeShard {
            throw .engine(
                .invalidArgument(field: "shard", reason: "store '\(store)' is on shard \(storeShard), not \(shard)"))
        }
        return storeShard
    }

    private func warnIfBehind(position: UInt64, page: EventPage) {
        guard page.oldestRetainedLSN > 0, position + 1 < page.oldestRetainedLSN else { return }
        OperatorOutput.printError(
            "warning: fell behind: events after LSN \(position) up to \(page.oldestRetainedLSN - 1) are no longer "
                + "retained (oldest retained: \(page.oldestRetainedLSN)); continuing from there — resynchronise what was missed"
        )
    }
}
