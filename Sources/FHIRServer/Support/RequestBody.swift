import Documents
import FHIRCore
import Foundation

extension FHIRService {
    /// Parses and validates the resource in a request body. `expectedType` is the type named by the URL.
    /// Fails with 415 (media type), 400 (JSON, structure, primitive formats) or 422 (identity rules) before anything
    /// is written.
    func parseResource(_ request: FHIRRequest, expectedType: String?) throws(FHIRError) -> JSONObject {
        try FHIRMediaType.checkResourceBody(request)
        let json = try parseBody(request.body)
        return try storingInlineContent(try validateResource(json, expectedType: expectedType, expression: nil), request.access)
    }

    /// Parses a JSON body with the configured limits.
    func parseBody(_ body: [UInt8]) throws(FHIRError) -> JSON {
        guard !body.isEmpty else { throw FHIRError(.invalid, "The request body is empty; a FHIR JSON resource is expected", issueType: "required") }
        return try JSON.parse(body, limits: JSONLimits(maxDepth: configuration.maxJSONDepth))
    }

    /// Validates a parsed resource: an object, the expected `resourceType`, the R4 structural rules (400), then the
    /// identity rules of ``IdentityRules`` (422). `expression` prefixes issue locations (e.g. `Bundle.entry[3].resource`).
    func validateResource(_ json: JSON, expectedType: String?, expression: String?) throws(FHIRError) -> JSONObject {
        let at = expression ?? expectedType ?? "Resource"
        guard case .object(let object) = json else {
            throw FHIRError(.invalid, "A FHIR resource must be a JSON object", issueType: "structure", expression: [at])
        }
        guard let type = object["resourceType"]?.stringValue else {
            throw FHIRError(.invalid, "The resource has no resourceType", issueType: "required", expression: [at])
        }
        if let expectedType, type != expectedType {
            throw FHIRError(.invalid, "The resource is a \(type) but the URL names \(expectedType)", issueType: "invalid", expression: ["\(at).resourceType"])
        }
        let issues = ResourceValidator.validate(json)
        let errors = issues.filter { $0.severity == .error || $0.severity == .fatal }
        if !errors.isEmpty {
            throw FHIRError(.invalid, issues: Self.located(errors, under: expression))
        }
        // Well-formed but breaking an identity rule (national identifier, profession code): 422.
        let broken = IdentityRules.issues(in: object)
        if !broken.isEmpty {
            throw FHIRError(.unprocessable, issues: Self.located(broken, under: expression))
        }
        if type == "SearchParameter" { try Self.checkSearchParameter(json) }
        if type == "DocumentReference" {
            let unknown = DocumentTerminology.shipped.check(json)
            if !unknown.isEmpty { throw FHIRError(.unprocessable, issues: Self.located(unknown, under: expression)) }
        }
        return object
    }

    /// `issues` with their expressions moved under `expression` when given: `Patient.name[0]` inside a Bundle entry
    /// becomes `Bundle.entry[3].resource.name[0]`.
    private static func located(_ issues: [FHIRError.Issue], under expression: String?) -> [FHIRError.Issue] {
        guard let expression else { return issues }
        return issues.map { issue in
            var i = issue
            i.expression = issue.expression.map { e in
                if let dot = e.firstIndex(of: ".") { return expression + e[dot...] }
                return expression
            }
            return i
        }
    }

    /// A new server-assigned id: a random (version 4) UUID in lower case. Built from the system random generator
    /// (`getrandom`), because Foundation's `UUID()` opens `/dev/urandom` on every call on Linux.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var i = 0
            func put(_ value: UInt64, _ nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[i] = digits[Int((value >> UInt64(shift)) & 0xF)]; i += 1
                }
            }
            func dash() { buffer[i] = UInt8(ascii: "-"); i += 1 }
            put(high >> 32, 8); dash(); put(high >> 16, 4); dash(); put(high, 4); dash()
            put(low >> 48, 4); dash(); put(low, 12)
            return i
        }
    }
}
