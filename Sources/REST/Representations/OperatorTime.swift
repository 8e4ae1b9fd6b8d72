/// Times as the log stores them — nanoseconds since the Unix epoch, UTC — to and
/// from ISO 8601 text, exactly (no floating point, no formatter state).
public enum OperatorTime {
    /// `2025-01-31T12:00:00.123Z`: milliseconds, truncated.
    public static func iso8601(nanoseconds: Int64) -> String {
        let (seconds, remainder) = floorDivision(nanoseconds, 1_000_000_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let date = civilDate(fromDays: days)
        return "\(digits(date.year, 4))-\(digits(date.month, 2))-\(digits(date.day, 2))T"
            + "\(digits(secondOfDay / 3_600, 2)):\(digits(secondOfDay / 60 % 60, 2)):\(digits(secondOfDay % 60, 2))."
            + "\(digits(remainder / 1_000_000, 3))Z"
    }

    /// Nanoseconds since the epoch from either that number itself or ISO 8601
    /// (`2025-01-31T12:00:00Z`, with up to 9 fraction digits, `Z` or `±HH:MM`);
    /// nil if it is neither or lies outside 1970...2261.
    public static func nanoseconds(from text: String) -> Int64? {
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) { return Int64(text) }
        var reader = FieldReader(bytes: Array(text.utf8))
        guard let year = reader.number(4), (1970...2261).contains(year), reader.skip("-"),
            let month = reader.number(2), (1...12).contains(month), reader.skip("-"),
            let day = reader.number(2), (1...daysInMonth(month, year: year)).contains(day), reader.skip("T"),
            let hour = reader.number(2), hour < 24, reader.skip(":"),
            let minute = reader.number(2), minute < 60, reader.skip(":"),
            let second = reader.number(2), second < 60,
            let fraction = reader.fractionNanoseconds(),
            let offsetSeconds = reader.zoneOffsetSeconds(), reader.atEnd
        else { return nil }
        let seconds =
            days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000_000 + fraction
    }

    // MARK: Calendar (proleptic Gregorian; H. Hinnant's civil-date algorithms)

    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivision(shiftedYear, 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (era, dayOfEra) = floorDivision(days + 719_468, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1)
            - days(year: year, month: month, day: 1)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Reads fixed-width fields of an ISO 8601 time, left to right.
private struct FieldReader {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    /// Exactly `width` decimal digits.
    mutating func number(_ width: Int) -> Int64? {
        guard position + width <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[position..<position + width] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        position += width
        return value
    }

    /// An optional `.` and 1...9 digits, as nanoseconds (0 when absent).
    mutating func fractionNanoseconds() -> Int64? {
        guard skip(".") else { return 0 }
        var value: Int64 = 0
        var count = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            guard count < 9 else { return nil }
            value = value * 10 + Int64(bytes[position] - 0x30)
            count += 1
            position += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<9 { value *= 10 }
        return value
    }

    /// `Z` → 0, `+HH:MM` / `-HH:MM` → that offset east of UTC in seconds.
    mutating func zoneOffsetSeconds() -> Int64? {
        if skip("Z") { return 0 }
        let sign: Int64
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(2), hours < 24, skip(":"), let minutes = number(2), minutes < 60 else { return nil }
        return sign * (hours * 3_600 + minutes * 60)
    }
}
