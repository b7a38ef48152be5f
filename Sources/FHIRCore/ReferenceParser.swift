/// Reads `Reference.reference` strings (FHIR R4 section 2.3.0 / Reference): relative `Type/id[/_history/vid]`,
/// absolute URLs (`http://base/fhir/Type/id[/_history/vid]` or any other absolute URL), `urn:uuid:`, `urn:oid:`,
/// `#contained` and conditional `Type?query` references.
public enum ReferenceParser {
    /// The reference's parts; nil when the text is none of the accepted forms (empty, `123` without a type,
    /// `patient/1`, `Patient/bad id`, a malformed URN...). Whether the type is a known resource type is not checked
    /// here (see ``R4/resourceTypes``).
    public static func parse(_ reference: String) -> ParsedReference? {
        guard !reference.isEmpty, !reference.utf8.contains(where: FHIRPrimitive.isXMLSpace) else { return nil }
        if reference.hasPrefix("#") {
            let id = String(reference.dropFirst())
            guard id.isEmpty || FHIRPrimitive.isValidID(id) else { return nil }
            return ParsedReference(kind: .contained, type: nil, id: id.isEmpty ? nil : id, version: nil, baseURL: nil,
                                   urn: nil, query: nil)
        }
        if reference.hasPrefix("urn:uuid:") {
            guard isUUID(reference.dropFirst(9)) else { return nil }
            return ParsedReference(kind: .urnUUID, type: nil, id: nil, version: nil, baseURL: nil, urn: reference, query: nil)
        }
        if reference.hasPrefix("urn:oid:") {
            guard FHIRPrimitive.isValidOID(reference) else { return nil }
            return ParsedReference(kind: .urnOID, type: nil, id: nil, version: nil, baseURL: nil, urn: reference, query: nil)
        }
        if let question = reference.firstIndex(of: "?"), !reference[..<question].contains("/"),
           !reference[..<question].contains(":") {
            let type = String(reference[..<question])
            guard isTypeName(type) else { return nil }
            return ParsedReference(kind: .conditional, type: type, id: nil, version: nil, baseURL: nil, urn: nil,
                                   query: String(reference[reference.index(after: question)...]))
        }
        if hasURLScheme(reference) {
            // Look for Type/id[/_history/vid] at the end of the path, after the scheme and the host.
            var path = Substring(reference)
            if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            if let (type, id, version, count) = typeIDVersion(segments), segments.count - count >= 3 {
                let base = segments.dropLast(count).joined(separator: "/")
                return ParsedReference(kind: .absolute, type: type, id: id, version: version, baseURL: base, urn: nil,
                                       query: nil)
            }
            return ParsedReference(kind: .absolute, type: nil, id: nil, version: nil, baseURL: nil, urn: nil, query: nil)
        }
        let segments = reference.split(separator: "/", omittingEmptySubsequences: false)
        guard let (type, id, version, count) = typeIDVersion(segments), count == segments.count else { return nil }
        return ParsedReference(kind: .relative, type: type, id: id, version: version, baseURL: nil, urn: nil, query: nil)
    }

    /// `Type/id` or `Type/id/_history/vid` at the end of `segments`: the parts and how many segments they use.
    private static func typeIDVersion(_ segments: [Substring]) -> (String, String, String?, Int)? {
        let n = segments.count
        if n >= 4, segments[n - 2] == "_history", isTypeName(segments[n - 4]),
           FHIRPrimitive.isValidID(String(segments[n - 3])), FHIRPrimitive.isValidID(String(segments[n - 1])) {
            return (String(segments[n - 4]), String(segments[n - 3]), String(segments[n - 1]), 4)
        }
        if n >= 2, isTypeName(segments[n - 2]), FHIRPrimitive.isValidID(String(segments[n - 1])) {
            return (String(segments[n - 2]), String(segments[n - 1]), nil, 2)
        }
        return nil
    }

    /// A resource type name's shape: an upper-case ASCII letter, then ASCII letters (and digits).
    static func isTypeName(_ text: some StringProtocol) -> Bool {
        guard let first = text.utf8.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return false }
        return text.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        }
    }

    /// Whether the text starts with a URL scheme followed by `://` (`http://`, `https://`).
    private static func hasURLScheme(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.utf8.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
              scheme.utf8.allSatisfy({ c in
                  let l = c | 0x20
                  return (l >= UInt8(ascii: "a") && l <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                      || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
              }),
              text[colon...].hasPrefix("://") else { return false }
        return true
    }

    /// An 8-4-4-4-12 hexadecimal UUID (either case: references in the wild use both).
    private static func isUUID(_ text: Substring) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (k, c) in b.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                let l = c | 0x20
                guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (l >= UInt8(ascii: "a") && l <= UInt8(ascii: "f"))
                else { return false }
            }
        }
        return true
    }
}
