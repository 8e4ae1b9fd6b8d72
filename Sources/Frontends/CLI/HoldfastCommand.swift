import ArgumentParser

/// The `holdfast` command line: the composition root of a node and its tools.
@main
struct HoldfastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Holdfast: the stock, reservation, cart and order core behind a shop's checkout.",
        discussion: """
            The network server (`holdfast serve`), the journal and the operator tools arrive with
            the persistence and wire-protocol work. Today `holdfast demo` runs the sharded engine
            in memory under a flash-sale and checkout workload and checks it never oversells.
            """,
        version: HoldfastVersion.current,
        subcommands: [DemoCommand.self, CrashDriverCommand.self]
    )
}

enum HoldfastVersion {
    static let current = "0.1.0"
}
