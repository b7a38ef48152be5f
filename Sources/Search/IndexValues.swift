import FHIRCore
import Store

/// The index values of one value selected by a parameter's expression, by parameter type and by the value's
/// shape (CodeableConcept, Coding, Identifier, ContactPoint, HumanName, Address, Period, Timing, Quantity, Money,
/// Reference, primitives).
enum IndexValues {
    /// ContactPoint.system codes: a `value` object with one of these is a ContactPoint, not an Identifier.
    static let contactSystems: Set<String> = ["phone", "fax", "email", "pager", "url", "sms", "other"]
    /// The string parts of HumanName and Address, each indexed as its own entry.
    static let stringParts = ["text", "family", "given", "prefix", "suffix",
                              "line", "city", "district", "state", "postalCode", "country"]
    /// The currency system of Money.
    static let currencySystem = "urn:iso:std:iso:4217"

    /// Appends the values of `value` for a parameter of `type`; without `withText`, tokens give no `tokenText`.
    static func extract(_ value: JSON, as type: SearchParameterType, baseURL: String, withText: Bool = true,
                        into out: inout [IndexValue]) {
        switch type {
        case .token: token(value, withText: withText, into: &out)
        case .string: string(value, into: &out)
        case .date: date(value, into: &out)
        case .number: number(value, into: &out)
        case .quantity: quantity(value, into: &out)
        case .reference: reference(value, baseURL: baseURL, into: &out)
        case .uri: if let s = value.stringValue { out.append(.uri(s)) }
        case .composite, .special: break
        }
    }

    // MARK: token

    static func token(_ value: JSON, withText: Bool = true, into out: inout [IndexValue]) {
        switch value {
        case .string(let s): out.append(.token(system: nil, code: s))
        case .bool(let b): out.append(.token(system: nil, code: b ? "true" : "false"))
        case .number(let n): out.append(.token(system: nil, code: n))
        case .object(let o):
            if o["coding"] != nil || (o["text"] != nil && o["value"] == nil && o["code"] == nil) {
                // CodeableConcept.
                for coding in o["coding"]?.arrayValue ?? [] { token(coding, withText: withText, into: &out) }
                if withText, let text = o["text"]?.stringValue { out.append(.tokenText(SearchText.normalize(text))) }
            } else if let v = o["value"]?.stringValue {
                let system = o["system"]?.stringValue
                if let system, contactSystems.contains(system) {
                    // ContactPoint: the value alone.
                    out.append(.token(system: nil, code: v))
                } else {
                    // Identifier.
                    out.append(.token(system: system, code: v))
                    if let type = o["type"] {
                        for coding in type["coding"]?.arrayValue ?? [] {
                            if let typeCode = coding["code"]?.stringValue {
                                out.append(.identifierOfType(typeSystem: coding["system"]?.stringValue, typeCode: typeCode, value: v))
                            }
                        }
                        if withText, let text = type["text"]?.stringValue { out.append(.tokenText(SearchText.normalize(text))) }
                    }
                }
            } else {
                // Coding.
                if let code = o["code"]?.stringValue { out.append(.token(system: o["system"]?.stringValue, code: code)) }
                if withText, let display = o["display"]?.stringValue { out.append(.tokenText(SearchText.normalize(display))) }
            }
        default: break
        }
    }

    // MARK: string

    static func string(_ value: JSON, into out: inout [IndexValue]) {
        switch value {
        case .string(let s): out.append(.string(normalized: SearchText.normalize(s), exact: s))
        case .object(let o):
            for key in stringParts {
                guard let part = o[key] else { continue }
                if case .array(let items) = part {
                    for item in items { if let s = item.stringValue { out.append(.string(normalized: SearchText.normalize(s), exact: s)) } }
                } else if let s = part.stringValue {
                    out.append(.string(normalized: SearchText.normalize(s), exact: s))
                }
            }
        default: break
        }
    }

    // MARK: date

    static func date(_ value: JSON, into out: inout [IndexValue]) {
        switch value {
        case .string(let s): if let r = SearchDate.range(s) { out.append(.date(r)) }
        case .object(let o):
            if o["start"] != nil || o["end"] != nil {
                if let r = period(o) { out.append(.date(r)) }
            } else if o["event"] != nil || o["repeat"] != nil {
                // Timing: each event, and the bounds of its repetition.
                for event in o["event"]?.arrayValue ?? [] {
                    if let s = event.stringValue, let r = SearchDate.range(s) { out.append(.date(r)) }
                }
                if case .object(let bounds)? = o["repeat"]?["boundsPeriod"], let r = period(bounds) { out.append(.date(r)) }
            }
        default: break
        }
    }

    /// A Period as one range; an open end is unbounded.
    static func period(_ o: JSONObject) -> DateRange? {
        var low = Int64.min, high = Int64.max
        if let s = o["start"]?.stringValue {
            guard let r = SearchDate.range(s) else { return nil }
            low = r.low
        }
        if let e = o["end"]?.stringValue {
            guard let r = SearchDate.range(e) else { return nil }
            high = r.high
        }
        return DateRange(low: low, high: high)
    }

    // MARK: number and quantity

    static func number(_ value: JSON, into out: inout [IndexValue]) {
        switch value {
        case .number(let n): if let r = SearchNumber.range(n) { out.append(.number(r)) }
        case .object(let o): if let n = o["value"]?.numberText, let r = SearchNumber.range(n) { out.append(.number(r)) }
        default: break
        }
    }

    static func quantity(_ value: JSON, into out: inout [IndexValue]) {
        switch value {
        case .number(let n):
            if let r = SearchNumber.range(n) { out.append(.quantity(QuantityValue(number: r, system: nil, code: nil, unit: nil))) }
        case .object(let o):
            guard let n = o["value"]?.numberText, let number = SearchNumber.range(n) else { return }
            if let currency = o["currency"]?.stringValue {
                // Money.
                out.append(.quantity(QuantityValue(number: number, system: currencySystem, code: currency, unit: nil)))
                return
            }
            let system = o["system"]?.stringValue, code = o["code"]?.stringValue, unit = o["unit"]?.stringValue
            out.append(.quantity(QuantityValue(number: number, system: system, code: code, unit: unit)))
            if system == UCUM.system, let code, let canonical = UCUM.canonical(code) {
                out.append(.quantity(QuantityValue(number: number.scaled(by: canonical.factor), system: UCUM.system,
                                                   code: canonical.code, unit: nil, canonical: true)))
            }
        default: break
        }
    }

    // MARK: reference

    static func reference(_ value: JSON, baseURL: String, into out: inout [IndexValue]) {
        switch value {
        case .string(let s):
            // A canonical (`url|version`) or uri used as a reference.
            if let r = canonical(s, baseURL: baseURL) { out.append(.reference(r)) }
        case .object(let o):
            if let text = o["reference"]?.stringValue, let r = reference(text, baseURL: baseURL) {
                out.append(.reference(r))
            }
            if case .object(let identifier)? = o["identifier"], let v = identifier["value"]?.stringValue {
                out.append(.referenceIdentifier(system: identifier["system"]?.stringValue, value: v))
            }
        default: break
        }
    }

    /// A `Reference.reference` string as a ``ReferenceValue``: local (also an absolute URL under `baseURL`),
    /// versioned, or absolute; nil for contained (`#id`) and unreadable references.
    static func reference(_ text: String, baseURL: String) -> ReferenceValue? {
        if text.utf8.first == UInt8(ascii: "#") { return nil }
        if let fast = fastLocal(text) { return fast }
        if let local = localPart(of: text, baseURL: baseURL), let parsed = ReferenceParser.parse(local),
           parsed.kind == .relative, let type = parsed.type, let id = parsed.id {
            return ReferenceValue(type: type, id: id, version: parsed.version)
        }
        guard let parsed = ReferenceParser.parse(text) else { return nil }
        switch parsed.kind {
        case .relative:
            guard let type = parsed.type, let id = parsed.id else { return nil }
            return ReferenceValue(type: type, id: id, version: parsed.version)
        case .absolute:
            return ReferenceValue(type: parsed.type, id: parsed.id, version: parsed.version, url: text)
        case .urnUUID, .urnOID:
            return ReferenceValue(type: nil, id: nil, url: text)
        case .contained, .conditional:
            return nil
        }
    }

    /// The common `Type/id` reference read without the general parser (which also validates every other form);
    /// nil when the text is anything else.
    static func fastLocal(_ text: String) -> ReferenceValue? {
        let bytes = text.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")), slash != bytes.startIndex else { return nil }
        let type = bytes[..<slash], id = bytes[bytes.index(after: slash)...]
        guard let first = type.first, first >= 65, first <= 90,
              type.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }),
              !id.isEmpty, id.count <= 64,
              id.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 })
        else { return nil }
        return ReferenceValue(type: String(Substring(type)), id: String(Substring(id)))
    }

    /// A canonical `url|version`: local (with the version) when relative or under the base URL, else by URL.
    static func canonical(_ text: String, baseURL: String) -> ReferenceValue? {
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        var url = Substring(text)
        var version: String?
        if let bar = text.firstIndex(of: "|") {
            url = text[..<bar]
            version = String(text[text.index(after: bar)...])
        }
        if let r = reference(String(url), baseURL: baseURL), r.url == nil, r.version == nil {
            // Relative or on this server: a local reference, with the canonical's version.
            return ReferenceValue(type: r.type, id: r.id, version: version.flatMap { $0.isEmpty ? nil : $0 })
        }
        let parsed = ReferenceParser.parse(String(url))
        return ReferenceValue(type: parsed?.type, id: parsed?.id, version: version, url: String(url))
    }

    /// The `Type/id...` part of an absolute URL on this server; nil for other URLs.
    static func localPart(of text: String, baseURL: String) -> String? {
        let t = text.utf8, b = baseURL.utf8
        guard !b.isEmpty, t.count > b.count + 1, t.starts(with: b) else { return nil }
        let rest = t.dropFirst(b.count)
        guard rest.first == UInt8(ascii: "/") else { return nil }
        return String(Substring(rest.dropFirst()))
    }
}
