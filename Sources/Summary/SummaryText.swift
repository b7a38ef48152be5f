import FHIRCore

/// How the summary reads resources into short human text, and escapes text for XHTML and HTML.
enum SummaryText {
    /// Escapes text for XHTML/HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n" { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// The first code of a CodeableConcept (`clinicalStatus`, `verificationStatus`).
    static func code(_ concept: JSON?) -> String? {
        concept?["coding"]?[0]?["code"]?.stringValue
    }

    /// The `system|code` tokens of a CodeableConcept.
    static func tokens(_ concept: JSON?) -> [String] {
        (concept?["coding"]?.arrayValue ?? []).compactMap { coding in
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
            return "\(system)|\(code)"
        }
    }

    /// A CodeableConcept as people read it: its text, else its first coding's display, else its code.
    static func concept(_ concept: JSON?) -> String? {
        guard let concept else { return nil }
        if let text = concept["text"]?.stringValue, !text.isEmpty { return text }
        for coding in concept["coding"]?.arrayValue ?? [] {
            if let display = coding["display"]?.stringValue, !display.isEmpty { return display }
        }
        return concept["coding"]?[0]?["code"]?.stringValue
    }

    /// The date part of the first of these elements present (a dateTime, or a Period's start).
    static func date(_ resource: JSON, _ elements: [String]) -> String {
        for element in elements {
            if let text = resource[element]?.stringValue { return String(text.prefix(10)) }
            if let start = resource[element]?["start"]?.stringValue { return String(start.prefix(10)) }
        }
        return ""
    }

    /// A Quantity as text (`5.4 mmol/L`).
    static func quantity(_ q: JSON?) -> String? {
        guard let q, let value = q["value"]?.numberText else { return nil }
        let unit = q["unit"]?.stringValue ?? q["code"]?.stringValue
        return [q["comparator"]?.stringValue.map { $0 + value } ?? value, unit].compactMap { $0 }.joined(separator: " ")
    }

    /// An Observation's value (or its components' values: `Systolic 120 mm[Hg]; Diastolic 80 mm[Hg]`).
    static func observationValue(_ resource: JSON) -> String {
        if let value = value(resource) { return value }
        let parts = (resource["component"]?.arrayValue ?? []).compactMap { component -> String? in
            guard let value = value(component) else { return nil }
            return [concept(component["code"]), value].compactMap { $0 }.joined(separator: " ")
        }
        if !parts.isEmpty { return parts.joined(separator: "; ") }
        return concept(resource["dataAbsentReason"]).map { "(\($0))" } ?? ""
    }

    private static func value(_ element: JSON) -> String? {
        if let q = quantity(element["valueQuantity"]) { return q }
        if let c = concept(element["valueCodeableConcept"]) { return c }
        if let s = element["valueString"]?.stringValue { return s }
        if let b = element["valueBoolean"]?.boolValue { return b ? "yes" : "no" }
        if let n = element["valueInteger"]?.numberText { return n }
        return nil
    }

    /// A medication's name: its CodeableConcept, or the display of its reference.
    static func medication(_ resource: JSON) -> String {
        concept(resource["medicationCodeableConcept"]) ?? resource["medicationReference"]?["display"]?.stringValue
            ?? resource["medicationReference"]?["reference"]?.stringValue ?? "Unnamed medication"
    }

    /// The first dosage's text (MedicationStatement.dosage, MedicationRequest.dosageInstruction).
    static func dosage(_ resource: JSON) -> String {
        let dosage = resource["dosage"]?[0] ?? resource["dosageInstruction"]?[0]
        if let text = dosage?["text"]?.stringValue { return text }
        if let repeatTiming = dosage?["timing"]?["repeat"], let frequency = repeatTiming["frequency"]?.numberText,
           let period = repeatTiming["period"]?.numberText, let unit = repeatTiming["periodUnit"]?.stringValue {
            return "\(frequency) per \(period) \(unit)"
        }
        if dosage?["asNeededBoolean"]?.boolValue == true { return "as needed" }
        return ""
    }
}
