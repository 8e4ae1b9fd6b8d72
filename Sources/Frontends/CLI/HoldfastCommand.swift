import ArgumentParser

/// The `holdfast` command line: the composition root of a node and its tools.
@main
struct HoldfastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Holdfast: the stock, reservation, cart and order core behind a shop's checkout.",
        discussion: """
            `holdfast serve` runs a node (default data directory ./holdfast-data, wire protocol on \
            127.0.0.1:7420). Client commands talk to it over the wire protocol: `stock`, \
            `reservation`, `cart`, `order`, `events tail`, `stats` (human tables or --json). \
            `holdfast bench` loads it and proves nothing was oversold. The operator commands work \
            on a data directory: `snapshot create|list|verify`, `wal verify|dump`, `restore` (to an \
            LSN or a time, into a new data directory) and `backup` (safe while a node runs); \
            docs/operations.md is the runbook. `holdfast demo` runs a workload in-process.
            """,
        version: HoldfastVersion.current,
        subcommands: [
            ServeCommand.self, BenchCommand.self, StockCommand.self, ReservationCommand.self, CartCommand.self,
            OrderCommand.self, PriceCommand.self, EventsCommand.self, StatsCommand.self, DemoCommand.self, SnapshotCommand.self,
            WALCommand.self, RestoreCommand.self, BackupCommand.self, CrashDriverCommand.self, TokenCommand.self,
        ]
    )
}

enum HoldfastVersion {
    static let current = "0.1.0"
}
