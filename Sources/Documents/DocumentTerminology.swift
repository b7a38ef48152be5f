import FHIRCore
import Foundation

/// The French DMP / CI-SIS document type and class codes (ANS nomenclatures JDV_J07, JDV_J66, TRE_A03, JDV_J57),
/// shipped as data in `Resources/document-codes.tsv` with English and French display names, and the checks every
/// DocumentReference write goes through.
public struct DocumentTerminology: Sendable {
    /// One code.
    public struct Code: Sendable, Hashable {
        /// `type` (DocumentReference.type, XDS typeCode) or `class` (DocumentReference.category, XDS classCode).
        public var kind: Kind
        /// The canonical code system URL (ANS form).
        public var system: String
        /// The code.
        public var code: String
        /// Whether the DMP accepts it (JDV_J66 / JDV_J57), or only the wider CI-SIS set (JDV_J07).
        public var acceptedByDMP: Bool
        /// English display.
        public var displayEnglish: String
        /// French display (ANS).
        public var displayFrench: String
    }

    /// Which element a code is for.
    public enum Kind: String, Sendable, Hashable {
        case type, `class`
    }

    /// All codes, in file order.
    public let codes: [Code]
    private let byKey: [String: Code]

    /// The shipped terminology.
    public static let shipped: DocumentTerminology = {
        guard let url = Bundle.module.url(forResource: "document-codes", withExtension: "tsv", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("Documents: Resources/document-codes.tsv is missing from the bundle")
        }
        return DocumentTerminology(tsv: text)
    }()

    /// Reads the TSV (`kind, system, code, scope, display_en, display_fr`, with a header row).
    public init(tsv: String) {
        var codes: [Code] = []
        for line in tsv.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 6, let kind = Kind(rawValue: f[0]) else { continue }
            codes.append(Code(kind: kind, system: f[1], code: f[2], acceptedByDMP: f[3] == "dmp", displayEnglish: f[4], displayFrench: f[5]))
        }
        self.codes = codes
        var byKey: [String: Code] = [:]
        for c in codes {
            for system in Self.aliases(of: c.system) { byKey["\(c.kind.rawValue)|\(system)|\(c.code)"] = c }
        }
        self.byKey = byKey
    }

    /// The code, looked up by any of the names its system goes by (ANS URL, OID, `http://loinc.org`).
    public func lookup(_ kind: Kind, system: String, code: String) -> Code? {
        byKey["\(kind.rawValue)|\(system)|\(code)"]
    }

    /// Whether codings of `system` are checked against this terminology: the ANS document systems
    /// (TRE_A03 classes, TRE_A04 LOINC subset, TRE_A05 supplementary types, TRE_A10, TRE_A12 ASTM), under their URL or
    /// OID. Plain LOINC (`http://loinc.org`) is checked only on DMP documents (``check(_:at:)``).
    public static func isDMPSystem(_ system: String) -> Bool {
        dmpSystems.contains(system)
    }

    // MARK: checks

    /// The issues of a DocumentReference's `type` and `category` (422, each naming its element). A coding in a DMP
    /// system must be a known code of the right kind; a LOINC type code must be a CI-SIS type when the document
    /// is a DMP document (a TRE_A03 class in `category`). Other systems (SNOMED CT, local codes) are not checked.
    public func check(_ documentReference: JSON, at path: String = "DocumentReference") -> [FHIRError.Issue] {
        var issues: [FHIRError.Issue] = []
        let categories = documentReference["category"]?.arrayValue ?? []
        var isDMPDocument = false
        for (i, concept) in categories.enumerated() {
            for (j, coding) in (concept["coding"]?.arrayValue ?? []).enumerated() {
                guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { continue }
                guard Self.isDMPSystem(system) || system == Self.loinc else { continue }
                if lookup(.class, system: system, code: code) != nil {
                    isDMPDocument = true
                } else if Self.isDMPSystem(system) {
                    issues.append(Self.unknown(code, system: system, kind: .class, at: "\(path).category[\(i)].coding[\(j)]"))
                }
            }
        }
        for (j, coding) in (documentReference["type"]?["coding"]?.arrayValue ?? []).enumerated() {
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { continue }
            let checked = Self.isDMPSystem(system) || (system == Self.loinc && isDMPDocument)
            guard checked, lookup(.type, system: system, code: code) == nil else { continue }
            issues.append(Self.unknown(code, system: system, kind: .type, at: "\(path).type.coding[\(j)]"))
        }
        return issues
    }

    private static func unknown(_ code: String, system: String, kind: Kind, at expression: String) -> FHIRError.Issue {
        let what = kind == .type ? "document type (JDV_J07 / JDV_J66)" : "document class (TRE_A03 / JDV_J57)"
        return FHIRError.Issue(severity: .error, code: "code-invalid",
                               diagnostics: "'\(code)' is not a known \(what) of \(system)", expression: [expression])
    }

    // MARK: systems

    /// LOINC.
    public static let loinc = "http://loinc.org"
    private static let a03 = "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"
    private static let a04 = "https://mos.esante.gouv.fr/NOS/TRE_A04-Loinc/FHIR/TRE-A04-Loinc"
    private static let a05 = "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire"
    private static let a10 = "https://mos.esante.gouv.fr/NOS/TRE_A10-NomenclatureURN/FHIR/TRE-A10-NomenclatureURN"
    private static let a12 = "https://mos.esante.gouv.fr/NOS/TRE_A12-NomenclatureASTM/FHIR/TRE-A12-NomenclatureASTM"

    /// The names each ANS system goes by: its URL and its OID (`urn:oid:…` where the ANS files give one).
    private static func aliases(of system: String) -> [String] {
        switch system {
        case a03: [a03, "urn:oid:1.2.250.1.213.1.1.4.1"]
        case a04: [a04, "urn:oid:2.16.840.1.113883.6.1", loinc]
        case a05: [a05, "urn:oid:1.2.250.1.213.1.1.4.12"]
        default: [system]
        }
    }

    private static let dmpSystems: Set<String> = Set([a03, a04, a05, a10, a12].flatMap(aliases(of:))).subtracting([loinc])
}
