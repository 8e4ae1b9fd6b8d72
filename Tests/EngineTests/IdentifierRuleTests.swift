import Testing

@testable import Engine

/// One byte form per id: look-alikes are refused where they enter, never folded.
@Suite("The id rule")
struct IdentifierRuleTests {
    @Test(
        "refused: non-NFC spellings and invisible characters",
        arguments: [
            "\u{212A}iosk",  // KELVIN SIGN, canonically K
            "cafe\u{301}",  // e + COMBINING ACUTE ACCENT
            "\u{FEFF}abc",  // byte-order mark
            "a\u{200B}b",  // zero-width space
            "a\u{200D}b",  // zero-width joiner
            "ab\u{202E}",  // right-to-left override
            "a\u{00AD}b",  // soft hyphen
            "x\u{FE0F}",  // variation selector
            "\u{2126}",  // OHM SIGN, canonically Ω
        ])
    func refused(id: String) {
        #expect(IdentifierRule.problem(id, maxBytes: 64) != nil)
        var machine = StateMachine()
        let applied = machine.apply(.setStock(SetStock(store: id, sku: "A", onHand: 1)), at: 1)
        guard case .failure(.invalidIdentifier(let field, _)) = applied.outcome else {
            Issue.record("expected invalidIdentifier for \(Array(id.unicodeScalars)), got \(applied.outcome)")
            return
        }
        #expect(field == "store" && applied.lsn == nil)
    }

    @Test("accepted: ASCII and NFC text, compared byte for byte", arguments: ["Kiosk", "café", "nb\u{A0}sp-ß-日本", "Ω"])
    func accepted(id: String) {
        #expect(IdentifierRule.problem(id, maxBytes: 64) == nil)
    }

    @Test("byte equality, not canonical equivalence")
    func sameIsBytes() {
        #expect("caf\u{E9}" == "cafe\u{301}", "Swift strings compare canonically…")
        #expect(!IdentifierRule.same("caf\u{E9}", "cafe\u{301}"), "…ids do not")
        #expect(IdentifierRule.same("Kiosk", "Kiosk") && !IdentifierRule.same("\u{212A}iosk", "Kiosk"))
    }

    @Test("a customer caller's id follows the rule too")
    func callerID() {
        var machine = StateMachine()
        _ = machine.apply(.setStock(SetStock(store: "s1", sku: "A", onHand: 1)), at: 1)
        let applied = machine.apply(.getStock(StockQuery(store: "s1", sku: "A")), at: 2, by: .customer("\u{212A}im-1"))
        guard case .failure(.invalidIdentifier(let field, _)) = applied.outcome else {
            Issue.record("expected invalidIdentifier, got \(applied.outcome)")
            return
        }
        #expect(field == "caller")
    }
}
