import ArgumentParser

/// The `holdfast` command line: the composition root of a node and its tools.
@main
struct HoldfastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Holdfast: the stock, reservation, cart and order core behind a shop's checkout.",
        discussion: """
            `holdfast demo` runs a flash-sale and checkout workload on the sharded engine and checks \
            it never oversells. The operator commands work on a data directory (default \
            ./holdfast-data): `snapshot create|list|verify`, `wal verify|dump`, `restore` (to an LSN \
            or a time, into a new data directory) and `backup` (safe while a node runs); \
            docs/operations.md is the runbook. The network server (`holdfast serve`) and the client \
            commands arrive with the wire-protocol work.
            """,
        version: HoldfastVersion.current,
        subcommands: [
            DemoCommand.self, CrashDriverCommand.self, SnapshotCommand.self, WALCommand.self, RestoreCommand.self,
            BackupCommand.self, ServeCommand.self,
        ]
    )
}

enum HoldfastVersion {
    static let current = "0.1.0"
}
