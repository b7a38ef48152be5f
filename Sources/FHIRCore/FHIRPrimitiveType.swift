/// The FHIR R4 primitive types, named as in the specification (`dateTime`, `base64Binary`, ...), each able to check
/// a JSON value.
public enum FHIRPrimitiveType: String, Sendable, Hashable, CaseIterable {
    case boolean, integer, string, decimal, uri, url, canonical, base64Binary, instant, date, dateTime, time, code
    case oid, id, markdown, unsignedInt, positiveInt, uuid, xhtml

    /// The type named `name` (`"dateTime"`), also accepting the capitalised form used in choice-element names
    /// (`"DateTime"` as in `valueDateTime`); nil for complex types.
    public init?(named name: String) {
        if let type = FHIRPrimitiveType(rawValue: name) {
            self = type
            return
        }
        guard let first = name.first, first.isUppercase else { return nil }
        self.init(rawValue: first.lowercased() + name.dropFirst())
    }

    /// Whether the JSON form is a number (`integer`, `decimal`, ...) rather than a string or a boolean.
    public var isNumber: Bool {
        switch self {
        case .integer, .decimal, .unsignedInt, .positiveInt: true
        default: false
        }
    }

    /// Checks a JSON value of this type: its JSON kind and its format. Returns what is wrong, or nil when valid.
    public func problem(with value: JSON) -> String? {
        switch self {
        case .boolean:
            if case .bool = value { return nil }
            return "must be a JSON boolean (true or false), not \(value.kindDescription)"
        case .integer, .decimal, .unsignedInt, .positiveInt:
            guard case .number(let text) = value else {
                return "must be a JSON number, not \(value.kindDescription)"
            }
            switch self {
            case .integer:
                return FHIRPrimitive.isValidInteger(text) ? nil : "\(text) is not a valid integer (a whole number from -2147483648 to 2147483647)"
            case .unsignedInt:
                return FHIRPrimitive.isValidUnsignedInt(text) ? nil : "\(text) is not a valid unsignedInt (a whole number from 0 to 2147483647)"
            case .positiveInt:
                return FHIRPrimitive.isValidPositiveInt(text) ? nil : "\(text) is not a valid positiveInt (a whole number from 1 to 2147483647)"
            default:
                return FHIRPrimitive.isValidDecimal(text) ? nil : "\(text) is not a valid decimal"
            }
        default:
            guard case .string(let text) = value else {
                return "must be a JSON string, not \(value.kindDescription)"
            }
            if text.isEmpty { return "must not be an empty string" }
            return isValid(text) ? nil : "\(Self.quote(text)) is not a valid \(rawValue)\(hint)"
        }
    }

    /// Whether `text` (a string in JSON) is valid for this string-typed primitive.
    private func isValid(_ text: String) -> Bool {
        switch self {
        case .string, .markdown: FHIRPrimitive.isValidString(text)
        case .uri, .url, .canonical: FHIRPrimitive.isValidURI(text)
        case .code: FHIRPrimitive.isValidCode(text)
        case .id: FHIRPrimitive.isValidID(text)
        case .oid: FHIRPrimitive.isValidOID(text)
        case .uuid: FHIRPrimitive.isValidUUID(text)
        case .base64Binary: FHIRPrimitive.isValidBase64(text)
        case .date: FHIRDate(text) != nil
        case .dateTime: FHIRDateTime(text) != nil
        case .instant: FHIRInstant(text) != nil
        case .time: FHIRTime(text) != nil
        case .xhtml: FHIRPrimitive.isValidXHTML(text)
        case .boolean, .integer, .decimal, .unsignedInt, .positiveInt: false
        }
    }

    private var hint: String {
        switch self {
        case .string, .markdown: " (control characters other than tab, CR and LF are not allowed)"
        case .uri, .url, .canonical: " (no whitespace allowed)"
        case .code: " (no leading, trailing or repeated whitespace)"
        case .id: " (1-64 characters from A-Z, a-z, 0-9, '-' and '.')"
        case .oid: " (urn:oid:1.2.3...)"
        case .uuid: " (urn:uuid: and a lower-case UUID)"
        case .date: " (YYYY, YYYY-MM or YYYY-MM-DD)"
        case .dateTime: " (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff] with a time zone)"
        case .instant: " (YYYY-MM-DDThh:mm:ss[.fff] with a time zone)"
        case .time: " (hh:mm:ss[.fff])"
        case .xhtml: " (must be an XHTML <div> element)"
        default: ""
        }
    }

    static func quote(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
        return "'" + shown + "'"
    }
}

extension JSON {
    /// "a string", "an object", ...: for error messages.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
