import Foundation
import Glibc

/// CPU time that other processes used while a section ran: the machine's busy
/// time (/proc/stat) less this process's own (getrusage). On a shared 2-core
/// machine it says which figures other work may have disturbed.
struct ForeignLoad {
    private let busyStart: Double
    private let ownStart: Double
    private let wallStart = Stopwatch.nanoseconds()

    init() {
        busyStart = Self.machineBusySeconds()
        ownStart = Self.ownSeconds()
    }

    /// Other processes' CPU time since `init`, as a percentage of all cores' time.
    func percentOfMachine() -> Double {
        let busy = Self.machineBusySeconds() - busyStart
        let own = Self.ownSeconds() - ownStart
        let capacity =
            (Stopwatch.nanoseconds() - wallStart).seconds * Double(ProcessInfo.processInfo.activeProcessorCount)
        return max(0, busy - own) / capacity * 100
    }

    /// Records it as a figure of `section` and says it.
    func record(_ section: String, into figures: inout FigureSet) {
        let percent = percentOfMachine()
        figures.record(
            section, "CPU used by other processes meanwhile", configuration: "whole section", unit: "% of all cores",
            value: percent)
        say("\(section): other processes used \(String(format: "%.1f", percent)) % of the machine's CPU meanwhile")
    }

    /// user + nice + system + irq + softirq + steal of all CPUs, from /proc/stat.
    private static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return 0 }
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
