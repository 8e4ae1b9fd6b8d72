import Synchronization

/// Tokens one `TokenVerifier` has accepted, so a client that sends the same
/// token on every request pays for its signature and claims once.
///
/// A token's bytes fix its claims and its signature fixes its bytes, so an
/// entry is keyed by the whole token's bytes (never `String` equality, which
/// would take a canonically equivalent spelling — KELVIN SIGN for `K` — for
/// the same token) and holds what verification concluded
/// apart from the time: `exp` and `nbf` are checked against the clock again on
/// every use. Only accepted tokens enter; refusals are never cached. At most
/// `entriesMax` entries (tokens are at most `AuthLimits.tokenBytesMax` bytes);
/// a new entry past that evicts an arbitrary one.
final class VerifiedTokenCache: Sendable {
    /// What verification concluded about a token, apart from the time.
    struct Entry: Sendable {
        var principal: Principal
        /// The `nbf` claim, unix seconds, if the token has one.
        var notBefore: Int64?
    }

    /// Most tokens remembered.
    static let entriesMax = 1_024

    private let entries = Mutex<[[UInt8]: Entry]>([:])

    init() {}

    func entry(for token: String) -> Entry? {
        let key = Array(token.utf8)
        return entries.withLock { $0[key] }
    }

    func insert(_ entry: Entry, for token: String) {
        precondition(entry.principal.expiresAt != nil, "a verified token has an expiry")
        let key = Array(token.utf8)
        entries.withLock { entries in
            if entries.count >= Self.entriesMax, entries[key] == nil, let victim = entries.keys.first {
                entries.removeValue(forKey: victim)
            }
            entries[key] = entry
            assert(entries.count <= Self.entriesMax, "the token cache is bounded")
        }
    }

    /// Entries held now.
    var count: Int { entries.withLock { $0.count } }
}
