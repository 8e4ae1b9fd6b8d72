// Applies a kept storage-bench log in memory, outside storage-bench, for
// instruction counts and hot spots under callgrind (valgrind crashes on
// storage-bench itself, in libdispatch's main-queue wait, and cannot read the
// debug information, so the binary is stripped of it first):
//
//   .build-bench/release/storage-bench --only replay --replay-commands 200000 \
//       --replay-log /tmp/replay-log --replay-phases read --runs 1
//   objcopy --strip-debug .build-bench/release/replay-profile /tmp/replay-profile
//   valgrind --tool=callgrind --toggle-collect='*ReplayProfile*applyAll*' \
//       /tmp/replay-profile /tmp/replay-log replay
//
// Reading and decoding the log are not collected, so Ir / records =
// instructions per record. Modes: `apply` (`StateMachine.apply`, events on),
// `apply-quiet` (`apply` with `recordsEvents` off) and `replay`
// (`StateMachine.replay`, as recovery applies).

import Engine
import Persistence

enum ReplayProfile {
    enum Mode: String {
        case apply, applyQuiet = "apply-quiet", replay
    }

    /// Applies every record to an empty machine; traps if one does not get its logged LSN.
    @inline(never)
    static func applyAll(_ records: [LogRecord], mode: Mode, limits: Limits) -> StateMachine {
        var machine = StateMachine(limits: limits)
        machine.recordsEvents = mode == .apply
        for record in records {
            let lsn =
                switch mode {
                case .apply, .applyQuiet: machine.apply(record.command, at: record.timestamp, by: record.caller).lsn
                case .replay: machine.replay(record.command, at: record.timestamp, by: record.caller).lsn
                }
            precondition(lsn == record.lsn, "LSN \(record.lsn) diverged")
            if machine.events.count >= 4_096 { machine.events.removeAll(keepingCapacity: true) }
        }
        return machine
    }
}

let usage = "usage: replay-profile <data directory> <apply|apply-quiet|replay>"
let arguments = CommandLine.arguments
guard arguments.count == 3, let mode = ReplayProfile.Mode(rawValue: arguments[2]) else { fatalError(usage) }
var records: [LogRecord] = []
do {
    _ = try Operations.dumpLog(arguments[1], shard: 0) { records.append($0) }
} catch {
    fatalError("reading \(arguments[1]): \(error)")
}
let machine = ReplayProfile.applyAll(records, mode: mode, limits: .standard)
print("replay-profile: \(mode.rawValue): \(records.count) records, last LSN \(machine.lastLSN)")
