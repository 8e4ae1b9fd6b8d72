// Measures the persistence layer on the real disk (docs/BENCHMARKS.md,
// "Persistence"): log throughput and frame latency against the disk's own
// fdatasync, replay speed, and snapshots at 1,000,000 SKUs with the writer's
// stall. Progress and per-run values go to standard error; the summary table
// (medians, min–max over --runs) or, with --json, the figures go to standard
// output. Run it through Benchmarks/run-storage-benchmarks (release build).

import Foundation

let options: BenchOptions
do {
    options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    say("storage-bench: \(error)\n\(BenchOptions.usage)")
    exit(2)
}

do {
    let scratch = try ScratchDirectory(parent: options.directory)
    defer { scratch.removeAll() }
    say("storage-bench: \(options.runs) runs per figure, files in \(scratch.path) (\(scratch.fileSystem))")
    var figures = FigureSet()
    for section in BenchOptions.Section.allCases where options.sections.contains(section) {
        let foreignLoad = ForeignLoad()
        switch section {
        case .log: try await LogThroughputBench(options: options, scratch: scratch).run(into: &figures)
        case .replay: try await ReplayBench(options: options, scratch: scratch).run(into: &figures)
        case .snapshot: try await SnapshotBench(options: options, scratch: scratch).run(into: &figures)
        case .disk:
            let bench = LogThroughputBench(options: options, scratch: scratch)
            for run in 1...options.runs { try bench.probeDisk(run: run, into: &figures) }
        }
        foreignLoad.record(section.rawValue, into: &figures)
    }
    let table = ReportPrinter.table(figures, runs: options.runs)
    if options.json {
        say(table)
        let configuration = [
            "runs": "\(options.runs)", "logSeconds": "\(options.logSeconds)",
            "replayCommands": "\(options.replayCommands)", "snapshotSKUs": "\(options.snapshotSKUs)",
            "stallCommands": "\(options.stallCommands)", "segmentMiB": "\(options.segmentMiB)",
            "fileSystem": scratch.fileSystem,
        ]
        print(try ReportPrinter.json(figures, configuration: configuration))
    } else {
        print(table)
    }
} catch {
    say("storage-bench: \(error)")
    exit(1)
}
