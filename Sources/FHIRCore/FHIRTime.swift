/// A FHIR `time` of day: `hh:mm:ss` with an optional fraction (`13:28:17.239`), no time zone; `24:00:00` is not
/// allowed.
public struct FHIRTime: Sendable, Hashable, CustomStringConvertible {
    /// The text the value was parsed from.
    public let text: String
    private let parts: DateTimeParts

    /// Parses a FHIR time; nil when `text` is not one.
    public init?(_ text: String) {
        var bytes = text
        let parsed: DateTimeParts? = bytes.withUTF8 { b in
            var parts = DateTimeParts()
            var i = 0
            guard DateTimeParts.parseTime(b, &i, into: &parts), i == b.count else { return nil }
            return parts
        }
        guard let parsed else { return nil }
        self.text = text
        parts = parsed
    }

    /// `.second` or `.fraction`.
    public var precision: DateTimePrecision { parts.precision }
    /// Hours, 0...23.
    public var hour: Int { parts.hour }
    /// Minutes, 0...59.
    public var minute: Int { parts.minute }
    /// Seconds, 0...60 (60 for a leap second).
    public var second: Int { parts.second }
    /// How many digits the fraction of a second has (0 for whole seconds).
    public var fractionDigits: Int { parts.fractionDigits }
    /// Seconds since midnight, fraction included.
    public var secondsSinceMidnight: Double {
        var fraction = Double(parts.fraction)
        for _ in 0..<parts.fractionDigits { fraction /= 10 }
        return Double(parts.hour * 3600 + parts.minute * 60 + parts.second) + fraction
    }
    /// The original text.
    public var description: String { text }
}
