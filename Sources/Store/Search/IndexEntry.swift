/// One search index entry of a resource version: a value of one search parameter, as extracted by the Search
/// layer's `IndexBuilder`. A backend stores entries as given and matches them against ``SearchCondition``s;
/// it never interprets resources itself.
public struct IndexEntry: Sendable, Hashable {
    /// The search parameter code (`code`, `subject`, `_tag`...).
    public var param: String
    /// The indexed value.
    public var value: IndexValue

    public init(param: String, value: IndexValue) { self.param = param; self.value = value }

    /// A token entry (kept for brevity at call sites).
    public static func token(param: String, system: String?, code: String) -> IndexEntry {
        IndexEntry(param: param, value: .token(system: system, code: code))
    }
}

/// An indexed value, by kind. Each kind is matched by the ``ValueMatch`` case of the same name.
public enum IndexValue: Sendable, Hashable {
    /// A code with its system (`nil` when the element has none): Coding, CodeableConcept codings, Identifier
    /// (system|value), ContactPoint (value), code, boolean (`true`/`false`), id.
    case token(system: String?, code: String)
    /// The text of a token (CodeableConcept.text, Coding.display, Identifier.type.text), normalised with
    /// ``SearchText/normalize(_:)``, matched by the `:text` modifier.
    case tokenText(String)
    /// An Identifier with a type: `:of-type` matches `typeSystem|typeCode|value`.
    case identifierOfType(typeSystem: String?, typeCode: String, value: String)
    /// A string: `normalized` (``SearchText/normalize(_:)``) for the default (starts-with) and `:contains`
    /// matches, `exact` (as written) for `:exact`.
    case string(normalized: String, exact: String)
    /// A date, dateTime, instant, Period or Timing event as an inclusive instant range.
    case date(DateRange)
    /// A number with the range implied by its significant figures.
    case number(NumberRange)
    /// A Quantity (or Money, Duration, Age...): its number, system and code/unit. An entry converted to
    /// canonical UCUM units is a second entry with the canonical code, flagged ``QuantityValue/canonical``.
    case quantity(QuantityValue)
    /// A reference: local (`type`/`id`, optionally versioned), or absolute/canonical (`url`, optional version).
    case reference(ReferenceValue)
    /// The Identifier of a Reference (`Reference.identifier`), matched by the `:identifier` modifier.
    case referenceIdentifier(system: String?, value: String)
    /// A uri, url, canonical or oid (exact text).
    case uri(String)
    /// One combination of a composite parameter's components, in the order of the definition's components.
    case composite([IndexValue])
}

/// An inclusive range of instants in microseconds since 1970-01-01T00:00:00Z. `low` is `Int64.min` when the range
/// has no start (a Period without start), `high` is `Int64.max` when it has no end.
public struct DateRange: Sendable, Hashable, Codable {
    public var low: Int64
    public var high: Int64
    public init(low: Int64, high: Int64) { self.low = low; self.high = high }
}

/// A number with the range its precision implies: `10.5` is `value` 10.5, `low` 10.45, `high` 10.55.
public struct NumberRange: Sendable, Hashable, Codable {
    public var value: Double
    public var low: Double
    public var high: Double
    public init(value: Double, low: Double, high: Double) { self.value = value; self.low = low; self.high = high }
    /// An exact number (no implied range).
    public init(exactly value: Double) { self.init(value: value, low: value, high: value) }
}

/// An indexed quantity.
public struct QuantityValue: Sendable, Hashable {
    public var number: NumberRange
    /// The unit system (`http://unitsofmeasure.org`), nil when absent.
    public var system: String?
    /// The coded unit (`mg`), nil when absent.
    public var code: String?
    /// The human unit (`mg`), nil when absent; matched like `code` when the query gives no system.
    public var unit: String?
    /// Whether this is the value converted to canonical UCUM units (a second entry beside the one as written).
    /// A search matches canonical entries only when its own value was converted, and as-written entries
    /// otherwise, so that `lt170` without a unit never compares 170 with 1.8 (metres).
    public var canonical: Bool
    public init(number: NumberRange, system: String?, code: String?, unit: String?, canonical: Bool = false) {
        self.number = number; self.system = system; self.code = code; self.unit = unit; self.canonical = canonical
    }
}

/// An indexed reference.
public struct ReferenceValue: Sendable, Hashable {
    /// The target type of a local reference (`Patient` in `Patient/123`), or of an absolute one when its URL
    /// ends in `Type/id`.
    public var type: String?
    /// The target id of a local reference.
    public var id: String?
    /// The version of a versioned reference (`Patient/123/_history/2`) or canonical (`url|1.0`).
    public var version: String?
    /// The URL of an absolute (`http://other/fhir/Patient/1`) or canonical reference; nil for a local one.
    public var url: String?
    public init(type: String?, id: String?, version: String? = nil, url: String? = nil) {
        self.type = type; self.id = id; self.version = version; self.url = url
    }
    /// A local reference `type/id`.
    public static func local(_ type: String, _ id: String) -> ReferenceValue { ReferenceValue(type: type, id: id) }
}
