/// What can be worked out about a command from the command alone, before it
/// reaches its shard: done on the thread that decoded it (`CommandGroup`
/// prepares its commands where it is made), so the shard's writer — the one
/// thread every change of a shard waits for — does not.
///
/// For a reserve: that it passes validation, and its idempotency fingerprint
/// (together 9–10 % of a reserve's instructions on the writer, measured with callgrind). Every other
/// command is prepared as nothing and checked on the writer as before. The
/// state machine answers a prepared command exactly as an unprepared one;
/// replay (which decodes from the log) prepares nothing.
public struct Preparation: Sendable, Equatable {
    /// Set for a reserve that passed validation: its fingerprint.
    let reserveFingerprint: UInt64?

    /// Nothing worked out: the writer checks everything.
    public static let none = Preparation(reserveFingerprint: nil)

    public static func of(_ command: Command) -> Preparation {
        guard case .reserve(let reserve) = command, StateMachine.validate(reserve) == nil else { return .none }
        return Preparation(reserveFingerprint: Fingerprint.of(reserve))
    }
}
